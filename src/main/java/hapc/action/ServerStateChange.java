package hapc.action;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.LiveServers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * enable-server, drain-server and stop-server: bring a server to an admin state. Whether
 * anything changes is decided from the state read BEFORE acting, and nothing is sent when the
 * server is already there; in check mode nothing that changes HAProxy is sent at all.
 */
public final class ServerStateChange implements ActionHandler {
    /** How long stop-server gives HAProxy to close the sessions it was told to kill. */
    private static final long KILL_SETTLE_MILLIS = 2000;

    private final Action action;
    private final AdminState wanted;
    private final boolean killSessions;

    private ServerStateChange(Action action, AdminState wanted, boolean killSessions) {
        this.action = action;
        this.wanted = wanted;
        this.killSessions = killSessions;
    }

    public static ServerStateChange enable() {
        return new ServerStateChange(Action.ENABLE_SERVER, AdminState.READY, false);
    }

    public static ServerStateChange drain() {
        return new ServerStateChange(Action.DRAIN_SERVER, AdminState.DRAIN, false);
    }

    public static ServerStateChange stop() {
        return new ServerStateChange(Action.STOP_SERVER, AdminState.MAINT, true);
    }

    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        String id = request.backend() + "/" + request.server();
        LiveServers live = context.live();
        Server before = live.get(request.backend(), request.server());
        boolean stateChanges = before.admin().needsChangeTo(wanted);
        boolean sessionsToKill = killSessions && before.sessions() > 0;
        boolean changed = stateChanges || sessionsToKill;

        Server after;
        if (!changed) {
            after = before;
        } else if (request.checkMode()) {
            after = before.withAdmin(before.admin().after(wanted));
            if (killSessions) {
                after = after.withLoad(0, after.queued());
            }
        } else {
            after = live.apply(request.backend(), request.server(), wanted, killSessions);
            if (killSessions) {
                after = awaitSessionsClosed(live, request, after);
            }
        }

        Outcome outcome = new Outcome(action)
                .changed(changed)
                .put("check_mode", request.checkMode())
                .put("backend", request.backend())
                .put("server", request.server())
                .put("before", before.toJson())
                .put("after", after.toJson())
                .put("diff", diff(before.toJson(), after.toJson()));
        if (killSessions) {
            outcome.put("sessions_killed", sessionsToKill && !request.checkMode());
        }
        if (after.adminState() != wanted) {
            throw new HapcException(ErrorKind.HAPROXY, id + " is still in " + after.adminState().jsonName() + " ("
                    + after.admin().source() + "): " + stuckReason(after), null, outcome.fields());
        }
        return outcome.msg(message(id, before, changed, request.checkMode()));
    }

    private String message(String id, Server before, boolean changed, boolean checkMode) {
        String was = before.adminState().jsonName();
        if (!changed) {
            return id + " is already in state " + wanted.jsonName() + "; nothing sent to HAProxy.";
        }
        String verbed = wanted.verbed() + (killSessions ? " and its sessions killed" : "");
        return checkMode ? "Check mode: " + id + " would be " + verbed + " (it is " + was + ")."
                : id + " " + verbed + " (was " + was + ").";
    }

    static String stuckReason(Server server) {
        return switch (server.admin().source()) {
            case "inherited" -> "it tracks another server whose state it inherits; change that server instead";
            case "resolution" -> "its address cannot be resolved (DNS); HAProxy keeps it in maintenance";
            // The write was accepted (an error would have been thrown), yet the state read back in
            // the same exchange differs: another client changed the server in between. Seen with
            // contradicting hapc calls on one server at once; "did not take" would be a lie.
            default -> "HAProxy accepted the change, but another client changed the server again before it was"
                    + " read back (concurrent calls on this server?)";
        };
    }

    /**
     * {@code shutdown sessions} only marks the streams for closing; they go within
     * milliseconds, so wait briefly and report the count as it then is.
     */
    private static Server awaitSessionsClosed(LiveServers live, Request request, Server after) {
        long deadline = System.currentTimeMillis() + KILL_SETTLE_MILLIS;
        Server current = after;
        while (current.sessions() > 0 && System.currentTimeMillis() < deadline) {
            Pause.millis(20);
            current = live.get(request.backend(), request.server());
        }
        return current;
    }

    /** The fields that differ, as Ansible's --diff wants them. */
    static Map<String, Object> diff(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        before.forEach((key, value) -> {
            if (!Objects.equals(value, after.get(key))) {
                was.put(key, value);
                now.put(key, after.get(key));
            }
        });
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("before", was);
        diff.put("after", now);
        return diff;
    }
}
