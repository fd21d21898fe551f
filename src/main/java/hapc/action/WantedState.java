package hapc.action;

import hapc.model.AdminState;
import hapc.model.AgentState;
import hapc.model.Server;
import hapc.request.Names;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers.WorkerLoad;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a state-changing call wants every one of its targets: an admin state, for stop-server
 * no session left, and the agent check paused while the server is out of rotation (running
 * again once it is back), unless the caller keeps the agent as it is. It turns one target, as
 * read, into its {@link PlannedChange}: nothing is planned for a server already there, which is
 * what makes the calls idempotent.
 *
 * @param keepAgent leave the agent check alone (--keep-agent)
 */
record WantedState(AdminState admin, boolean killSessions, boolean keepAgent) {

    WantedState(AdminState admin, boolean killSessions) {
        this(admin, killSessions, false);
    }

    WantedState keepingAgent(boolean keep) {
        return new WantedState(admin, killSessions, keep);
    }

    PlannedChange planFor(Inspection target) {
        Server before = target.server();
        String id = Names.require("backend", before.backend()) + "/" + Names.require("server", before.name());
        List<String> commands = new ArrayList<>();
        Server expected = before;
        AgentState agent = agentFor(before);
        // Out of rotation: the agent is paused BEFORE the state is written, so no agent reply
        // ("ready") can land between the two and undo the drain or maint.
        if (agent == AgentState.PAUSED && before.agent() == AgentState.RUNNING) {
            commands.add("disable agent " + id);
            expected = expected.withAgentBits(before.agentBits() & ~AgentState.ENABLED);
        }
        if (before.admin().needsChangeTo(admin)) {
            commands.add("set server " + id + " state " + admin.haproxyWord());
            expected = expected.withAdmin(before.admin().after(admin));
        }
        // Back in rotation: the state is ready first, THEN the agent resumes. Resumed earlier, its
        // first reply would meet hapc's own forced drain/maint still in place; resumed after, the
        // agent only ever speaks about a server that is where hapc put it, and what it then says
        // (say "drain" because the application is not ready) is its call, not a race with hapc.
        if (agent == AgentState.RUNNING && before.agent() == AgentState.PAUSED) {
            commands.add("enable agent " + id);
            expected = expected.withAgentBits(before.agentBits() | AgentState.ENABLED);
        }
        boolean oldSessions = false;
        if (killSessions && before.sessions() > 0) {
            WorkerLoad current = target.workers().get(0);
            if (current.load().sessions() > 0) {
                commands.add("shutdown sessions server " + id);
            }
            oldSessions = target.workers().stream().anyMatch(w -> w.old() && w.load().sessions() > 0);
            expected = expected.withLoad(0, expected.queued());
        }
        return new PlannedChange(target, expected, List.copyOf(commands), oldSessions);
    }

    /** The agent state this call wants for a server: paused out of rotation, running in it. */
    AgentState agentFor(Server server) {
        if (keepAgent || server.agent() == AgentState.NONE) {
            return server.agent();
        }
        return admin == AdminState.READY ? AgentState.RUNNING : AgentState.PAUSED;
    }
}
