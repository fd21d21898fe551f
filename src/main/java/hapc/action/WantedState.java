package hapc.action;

import hapc.model.AdminState;
import hapc.model.Server;
import hapc.runtime.Commands;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Where a state-changing call wants every one of its targets: an admin state (absent for
 * set-weight), for stop-server no session left, and a weight (absent unless asked for). It
 * turns one target, as read, into its {@link PlannedChange}: nothing is planned for a server
 * already there, which is what makes the calls idempotent.
 *
 * @param admin  the admin state wanted, or null to leave it as it is
 * @param weight the weight wanted for a server as read (a share depends on its configured
 *               weight), or null to leave the weight as it is
 */
record WantedState(AdminState admin, boolean killSessions, ToIntFunction<Server> weight) {

    WantedState(AdminState admin, boolean killSessions) {
        this(admin, killSessions, null);
    }

    /** Only a weight: set-weight, and each step of a ramp. */
    static WantedState weightOnly(ToIntFunction<Server> weight) {
        return new WantedState(null, false, weight);
    }

    PlannedChange planFor(Inspection target) {
        Server before = target.server();
        List<String> commands = new ArrayList<>();
        Server expected = before;
        if (admin != null && before.admin().needsChangeTo(admin)) {
            commands.add(Commands.setState(before.backend(), before.name(), admin));
            expected = expected.withAdmin(before.admin().after(admin));
        }
        if (weight != null) {
            int wanted = weight.applyAsInt(before);
            if (wanted != before.weight()) {
                // Into rotation, the weight goes first: the server must not take even one
                // scheduling round at its old (full) weight before a ramp's first step. Out of
                // rotation, the state goes first, for the same reason the other way round.
                commands.add(admin == AdminState.READY ? 0 : commands.size(),
                        Commands.setWeight(before.backend(), before.name(), wanted));
                expected = expected.withWeight(wanted);
            }
        }
        boolean oldSessions = false;
        if (killSessions) {
            // With the maintenance write, the kill always goes too: a session opened between the
            // read and the write would otherwise outlive a stop that reported none. A server
            // already in maintenance is only sent the kill when it still has sessions.
            boolean stateChanges = !commands.isEmpty();
            if (stateChanges || target.workers().get(0).load().sessions() > 0) {
                commands.add(Commands.shutdownSessions(before.backend(), before.name()));
            }
            oldSessions = target.workers().stream().anyMatch(w -> w.old() && w.load().sessions() > 0);
            expected = expected.withLoad(0, expected.queued());
        }
        return new PlannedChange(target, expected, List.copyOf(commands), oldSessions);
    }
}
