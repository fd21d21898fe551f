package hapc.plan;

import hapc.model.Server;
import hapc.runtime.LiveServers.Inspection;
import java.util.List;

/**
 * One target's part of a plan: the server as read before, the commands that bring it where the
 * call wants it, and what it should look like afterwards (what check mode reports, and what the
 * read-back is checked against).
 *
 * @param commands          for the worker behind the admin socket, in order; empty when nothing changes
 * @param killOldSessions   whether old workers hold sessions of it that must be killed too
 */
public record PlannedChange(Inspection target, Server expected, List<String> commands, boolean killOldSessions) {
    public Server before() {
        return target.server();
    }

    public String id() {
        return before().backend() + "/" + before().name();
    }

    public boolean changed() {
        return !commands.isEmpty() || killOldSessions;
    }
}
