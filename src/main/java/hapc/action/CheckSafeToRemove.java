package hapc.action;

import hapc.model.AdminState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.LiveServers;
import java.util.ArrayList;
import java.util.List;

/**
 * check-safe-to-remove: safe only when the server takes no new traffic (drain or maint) and has
 * no session and nothing queued in ANY worker, old ones included. "Not safe" is an answer
 * (exit 3), not a failure.
 */
public final class CheckSafeToRemove implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        LiveServers.Inspection inspection = context.live().inspect(request.backend(), request.server());
        Server server = inspection.server();
        String id = request.backend() + "/" + request.server();
        List<String> reasons = new ArrayList<>();
        if (server.adminState() == AdminState.READY) {
            reasons.add("it is ready and takes new traffic: drain or stop it first");
        }
        if (server.sessions() > 0) {
            reasons.add("it has " + server.sessions() + " session" + (server.sessions() == 1 ? "" : "s") + " ("
                    + WorkerLoads.where(inspection.workers(), false) + ")");
        }
        if (server.queued() > 0) {
            reasons.add("it has " + server.queued() + " queued request" + (server.queued() == 1 ? "" : "s") + " ("
                    + WorkerLoads.where(inspection.workers(), true) + ")");
        }
        boolean safe = reasons.isEmpty();
        return new Outcome(Action.CHECK_SAFE_TO_REMOVE)
                .msg(safe ? id + " is safe to remove: " + server.adminState().jsonName()
                                + ", no sessions, nothing queued."
                        : id + " is not safe to remove: " + String.join("; ", reasons) + ".")
                .exitStatus(safe ? Outcome.OK : Outcome.NOT_SAFE)
                .put("backend", request.backend())
                .put("server", request.server())
                .put("safe", safe)
                .put("sessions", server.sessions())
                .put("queued", server.queued())
                .put("admin_state", server.adminState().jsonName())
                .put("reasons", reasons)
                .put("workers", WorkerLoads.toJson(inspection.workers()));
    }
}
