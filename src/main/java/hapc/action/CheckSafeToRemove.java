package hapc.action;

import hapc.plan.TargetList;
import hapc.plan.Targets;

import hapc.model.AdminState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * check-safe-to-remove: a target is safe only when it takes no new traffic (drain or maint) and
 * has no session and nothing queued in ANY worker, old ones included; the call is safe only when
 * every target is. "Not safe" is an answer (exit 3), not a failure.
 */
public final class CheckSafeToRemove implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Targets targets = Targets.resolve(context, CheckSafeToRemove::entry);
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> unsafe = new ArrayList<>();
        long sessions = 0;
        long queued = 0;
        for (Inspection target : targets.list()) {
            Server server = target.server();
            Map<String, Object> entry = entry(target);
            entries.add(entry);
            @SuppressWarnings("unchecked")
            List<String> reasons = (List<String>) entry.get("reasons");
            if (!reasons.isEmpty()) {
                unsafe.add(server.backend() + "/" + server.name() + ": " + String.join("; ", reasons));
            }
            sessions += server.sessions();
            queued += server.queued();
        }
        boolean safe = unsafe.isEmpty();
        Outcome outcome = new Outcome(Action.CHECK_SAFE_TO_REMOVE)
                .msg(message(targets, safe, unsafe))
                .exitStatus(safe ? Outcome.OK : Outcome.NOT_SAFE);
        // safe, sessions and queued are over every target, always; the rest is the one target's
        // (contract 1.0), keyed on the request (1.2)
        Request request = context.request();
        OneTargetFields.copy(request, outcome, entries, List.of("backend", "server"));
        outcome.put("safe", safe).put("sessions", sessions).put("queued", queued);
        if (OneTargetFields.apply(request, entries)) {
            OneTargetFields.copy(request, outcome, entries, List.of("admin_state", "reasons", "workers"));
        } else {
            outcome.put("reasons", unsafe);
        }
        return outcome.put("targets", entries);
    }

    private static Map<String, Object> entry(Inspection target) {
        Server server = target.server();
        List<String> reasons = reasons(target);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("backend", server.backend());
        entry.put("server", server.name());
        entry.put("safe", reasons.isEmpty());
        entry.put("sessions", server.sessions());
        entry.put("queued", server.queued());
        entry.put("admin_state", server.adminState().jsonName());
        entry.put("reasons", reasons);
        entry.put("workers", WorkerLoads.toJson(target.workers()));
        return entry;
    }

    private static String message(Targets targets, boolean safe, List<String> unsafe) {
        if (targets.single()) {
            Server server = targets.list().get(0).server();
            String id = server.backend() + "/" + server.name();
            return safe ? id + " is safe to remove: " + server.adminState().jsonName() + ", no sessions, nothing queued."
                    : id + " is not safe to remove: " + unsafe.get(0).substring(id.length() + 2) + ".";
        }
        List<Server> servers = targets.list().stream().map(Inspection::server).toList();
        return safe ? "All " + servers.size() + " targets are safe to remove (" + TargetList.describe(servers)
                        + "): none takes new traffic, no sessions, nothing queued."
                : unsafe.size() + " of " + servers.size() + " targets are not safe to remove: "
                        + TargetList.shortened(unsafe, "; ") + ".";
    }

    private static List<String> reasons(Inspection target) {
        Server server = target.server();
        List<String> reasons = new ArrayList<>();
        if (server.adminState() == AdminState.READY) {
            reasons.add("it is ready and takes new traffic: drain or stop it first");
        }
        if (server.sessions() > 0) {
            reasons.add("it has " + server.sessions() + " session" + (server.sessions() == 1 ? "" : "s") + " ("
                    + WorkerLoads.where(target.workers(), false) + ")");
        }
        if (server.queued() > 0) {
            reasons.add("it has " + server.queued() + " queued request" + (server.queued() == 1 ? "" : "s") + " ("
                    + WorkerLoads.where(target.workers(), true) + ")");
        }
        return reasons;
    }
}
