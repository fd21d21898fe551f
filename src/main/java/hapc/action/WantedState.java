package hapc.action;

import hapc.model.AdminState;
import hapc.model.Server;
import hapc.runtime.Commands;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers.WorkerLoad;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a state-changing call wants every one of its targets: an admin state, and for
 * stop-server no session left. It turns one target, as read, into its {@link PlannedChange}:
 * nothing is planned for a server already there, which is what makes the calls idempotent.
 */
record WantedState(AdminState admin, boolean killSessions) {

    PlannedChange planFor(Inspection target) {
        Server before = target.server();
        List<String> commands = new ArrayList<>();
        Server expected = before;
        if (before.admin().needsChangeTo(admin)) {
            commands.add(Commands.setState(before.backend(), before.name(), admin));
            expected = expected.withAdmin(before.admin().after(admin));
        }
        boolean oldSessions = false;
        if (killSessions && before.sessions() > 0) {
            WorkerLoad current = target.workers().get(0);
            if (current.load().sessions() > 0) {
                commands.add(Commands.shutdownSessions(before.backend(), before.name()));
            }
            oldSessions = target.workers().stream().anyMatch(w -> w.old() && w.load().sessions() > 0);
            expected = expected.withLoad(0, expected.queued());
        }
        return new PlannedChange(target, expected, List.copyOf(commands), oldSessions);
    }
}
