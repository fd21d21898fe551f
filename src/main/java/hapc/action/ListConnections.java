package hapc.action;

import hapc.plan.TargetList;
import hapc.plan.Targets;

import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerLoad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * list-connections: each target's current sessions ({@code scur}, TCP sessions included) and
 * queued requests, summed over every live worker, and the totals. Not {@code show servers conn}:
 * that counts idle and used server connections, and a live TCP session shows there as zero.
 */
public final class ListConnections implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Targets targets = Targets.resolve(context, ListConnections::entry);
        List<Map<String, Object>> entries = new ArrayList<>();
        ServerLoad total = ServerLoad.NONE;
        for (Inspection target : targets.list()) {
            entries.add(entry(target));
            total = total.plus(LiveServers.total(target.workers()));
        }
        Outcome outcome = new Outcome(Action.LIST_CONNECTIONS);
        if (targets.single()) {
            Server server = targets.list().get(0).server();
            outcome.msg(server.backend() + "/" + server.name() + " has " + count(total) + ".");
        } else {
            outcome.msg(targets.list().size() + " targets (" + TargetList.describe(targets.list().stream()
                    .map(Inspection::server).toList()) + ") have " + count(total) + " in all.");
        }
        // sessions and queued are the totals over the targets, always (contract 1.1)
        OneTargetFields.copy(context.request(), outcome, entries, List.of("backend", "server"));
        outcome.put("sessions", total.sessions()).put("queued", total.queued());
        OneTargetFields.copy(context.request(), outcome, entries, List.of("workers"));
        return outcome.put("targets", entries);
    }

    private static Map<String, Object> entry(Inspection target) {
        ServerLoad load = LiveServers.total(target.workers());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("backend", target.server().backend());
        entry.put("server", target.server().name());
        entry.put("sessions", load.sessions());
        entry.put("queued", load.queued());
        entry.put("workers", WorkerLoads.toJson(target.workers()));
        return entry;
    }

    private static String count(ServerLoad load) {
        return load.sessions() + " session" + (load.sessions() == 1 ? "" : "s") + " and " + load.queued() + " queued";
    }
}
