package hapc.action;

import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerLoad;

/**
 * list-connections: a server's current sessions ({@code scur}, TCP sessions included) and queued
 * requests, summed over every live worker. Not {@code show servers conn}: that counts idle and
 * used server connections, and a live TCP session shows there as zero.
 */
public final class ListConnections implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        LiveServers.Inspection inspection = context.live().inspect(request.backend(), request.server());
        ServerLoad total = LiveServers.total(inspection.workers());
        return new Outcome(Action.LIST_CONNECTIONS)
                .msg(request.backend() + "/" + request.server() + " has " + total.sessions() + " session"
                        + (total.sessions() == 1 ? "" : "s") + " and " + total.queued() + " queued.")
                .put("backend", request.backend())
                .put("server", request.server())
                .put("sessions", total.sessions())
                .put("queued", total.queued())
                .put("workers", WorkerLoads.toJson(inspection.workers()));
    }
}
