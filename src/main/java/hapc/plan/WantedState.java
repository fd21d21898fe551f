package hapc.plan;

import hapc.model.AdminState;
import hapc.model.AgentState;
import hapc.model.Server;
import hapc.runtime.Commands;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Where a state-changing call wants every one of its targets: an admin state (absent for
 * set-weight), for stop-server no session left, a weight (absent unless asked for), and the
 * agent check paused while the server is out of rotation (running again once it is back),
 * unless the caller keeps the agent as it is. It turns one target, as read, into its
 * {@link PlannedChange}: nothing is planned for a server already there, which is what makes
 * the calls idempotent.
 *
 * @param admin     the admin state wanted, or null to leave it as it is
 * @param weight    the weight wanted for a server as read (a share depends on its configured
 *                  weight), or null to leave the weight as it is
 * @param keepAgent leave the agent check alone (--keep-agent)
 */
public record WantedState(AdminState admin, boolean killSessions, ToIntFunction<Server> weight, boolean keepAgent) {

    public WantedState(AdminState admin, boolean killSessions) {
        this(admin, killSessions, null, false);
    }

    public WantedState(AdminState admin, boolean killSessions, ToIntFunction<Server> weight) {
        this(admin, killSessions, weight, false);
    }

    /** Only a weight: set-weight, and each step of a ramp. */
    public static WantedState weightOnly(ToIntFunction<Server> weight) {
        return new WantedState(null, false, weight, false);
    }

    public WantedState keepingAgent(boolean keep) {
        return new WantedState(admin, killSessions, weight, keep);
    }

    public PlannedChange planFor(Inspection target) {
        Server before = target.server();
        List<String> commands = new ArrayList<>();
        Server expected = before;
        AgentState agent = agentFor(before);
        // Out of rotation: the agent is paused BEFORE the state is written, so no agent reply
        // ("ready") can land between the two and undo the drain or maint.
        if (agent == AgentState.PAUSED && before.agent() == AgentState.RUNNING) {
            commands.add(Commands.disableAgent(before.backend(), before.name()));
            expected = expected.withAgentBits(before.agentBits() & ~AgentState.ENABLED);
        }
        if (admin != null && before.admin().needsChangeTo(admin)) {
            commands.add(Commands.setState(before.backend(), before.name(), admin));
            expected = expected.expectedWith(before.admin().after(admin));
        }
        if (weight != null) {
            int wanted = weight.applyAsInt(before);
            if (wanted != before.weight()) {
                // Into rotation, the weight goes first: the server must not take even one
                // scheduling round at its old (full) weight before a ramp's first step. Out of
                // rotation, the state goes first, for the same reason the other way round.
                int stateWrite = commands.indexOf(admin == null ? null
                        : Commands.setState(before.backend(), before.name(), admin));
                commands.add(admin == AdminState.READY && stateWrite >= 0 ? stateWrite : commands.size(),
                        Commands.setWeight(before.backend(), before.name(), wanted));
                expected = expected.withWeight(wanted);
            }
        }
        // Back in rotation: the state is ready first, THEN the agent resumes. Resumed earlier, its
        // first reply would meet hapc's own forced drain/maint still in place; resumed after, the
        // agent only ever speaks about a server that is where hapc put it, and what it then says
        // (say "drain" because the application is not ready) is its call, not a race with hapc.
        if (agent == AgentState.RUNNING && before.agent() == AgentState.PAUSED) {
            commands.add(Commands.enableAgent(before.backend(), before.name()));
            expected = expected.withAgentBits(before.agentBits() | AgentState.ENABLED);
        }
        boolean oldSessions = false;
        if (killSessions) {
            // With the maintenance write, the kill always goes too: a session opened between the
            // read and the write would otherwise outlive a stop that reported none. A server
            // already in maintenance is only sent the kill when it still has sessions.
            boolean stateChanges = expected.admin() != before.admin();
            if (stateChanges || target.workers().get(0).load().sessions() > 0) {
                commands.add(Commands.shutdownSessions(before.backend(), before.name()));
            }
            oldSessions = target.workers().stream().anyMatch(w -> w.old() && w.load().sessions() > 0);
            expected = expected.withLoad(0, expected.queued());
        }
        return new PlannedChange(target, expected, List.copyOf(commands), oldSessions);
    }

    /** The agent state this call wants for a server: paused out of rotation, running in it, else as it is. */
    public AgentState agentFor(Server server) {
        if (keepAgent || admin == null || server.agent() == AgentState.NONE) {
            return server.agent();
        }
        return admin == AdminState.READY ? AgentState.RUNNING : AgentState.PAUSED;
    }
}
