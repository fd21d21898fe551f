package hapc.action;

import hapc.action.Context;
import hapc.plan.Targets;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.HaproxyLock;
import hapc.output.Outcome;
import hapc.plan.TargetList;
import hapc.runtime.LiveServers;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * drain-server --wait --on-timeout stop: at the deadline, the targets still busy are stopped
 * with stop-server's own plan (maint, then their sessions killed in every worker, old ones
 * included) and the call succeeds, saying so ({@code escalated}, {@code sessions_killed}). The
 * targets that emptied in time stay drained. A target a reload removed from the running HAProxy
 * has nothing to put in maint: its sessions are killed in the old workers that still hold them.
 */
public final class DrainEscalation {
    private DrainEscalation() {
    }

    /**
     * @param drained  the drain's answer so far (its wait figures already in)
     * @param busy     the ids ("backend/server") of the targets still holding sessions or a queue
     * @param vanished the targets the current worker no longer has (a reload removed them): their
     *                 sessions are in old workers only, and are killed there
     */
    @SuppressWarnings("unchecked")
    public static Outcome stop(Context context, Outcome drained, List<String> busy, List<Inspection> vanished,
            String waited) {
        List<Inspection> gone = vanished.stream().filter(t -> busy.contains(id(t))).toList();
        ServerStateChange.Done stopped = null;
        Map<String, Long> sessionsAtStop = new LinkedHashMap<>();
        Map<String, Long> goneAtStop = new LinkedHashMap<>();
        Map<String, Long> goneLeft = new LinkedHashMap<>();
        try (HaproxyLock lock = context.lockForWriting()) {
            Set<String> backends = new LinkedHashSet<>();
            busy.forEach(id -> backends.add(id.substring(0, id.indexOf('/'))));
            LiveServers.Look look = context.live().look(backends);
            List<Inspection> still = new ArrayList<>();
            Set<String> goneIds = new LinkedHashSet<>(gone.stream().map(DrainEscalation::id).toList());
            for (String id : busy) {
                String backend = id.substring(0, id.indexOf('/'));
                if (!goneIds.contains(id)) {
                    look.current().find(backend, id.substring(backend.length() + 1)).ifPresent(still::add);
                }
            }
            still.forEach(t -> sessionsAtStop.put(id(t), t.server().sessions()));
            if (!still.isEmpty()) {
                stopped = ServerStateChange.stop().apply(context, new Targets(still, look.current()));
            }
            if (!gone.isEmpty()) {
                for (Inspection target : gone) {
                    goneAtStop.put(id(target), LiveServers.total(look.workers(target.server().backend(),
                            target.server().name())).sessions());
                }
                // killed in each old worker that holds them (by session id: see MasterCli): no other worker has them
                Map<String, String> refused = context.live().killOldWorkerSessions(
                        gone.stream().map(Inspection::server).toList());
                if (!refused.isEmpty()) {
                    throw new HapcException(ErrorKind.HAPROXY, String.join("; ", refused.values()));
                }
                goneLeft.putAll(leftAfterKill(context.live(), gone));
            }
        } catch (HapcException e) {
            // Answered in drain-server's shape (stop-server's partial answer is not one), with what
            // the stop did to each target it reached (a write broken part-way still took some).
            Object stopTargets = e.partial().get("targets");
            if (stopTargets instanceof List<?> list) {
                mergeStop(drained, (List<Map<String, Object>>) list);
                OneTargetFields.copy(context.request(), drained, DrainServer.perTarget(drained), List.of("after", "diff"));
            }
            throw new HapcException(e.kind(), drained.get("msg") + " At the deadline, stopping the servers still"
                    + " busy (--on-timeout stop) failed: " + e.getMessage(), e, drained.fields());
        }
        long sessions = sessionsAtStop.values().stream().mapToLong(Long::longValue).sum();
        long goneSessions = goneAtStop.values().stream().mapToLong(Long::longValue).sum();

        List<Map<String, Object>> drainEntries = DrainServer.perTarget(drained);
        List<Map<String, Object>> stopEntries = stopped == null ? List.of()
                : (List<Map<String, Object>>) stopped.outcome().get("targets");
        drainEntries.forEach(entry -> entry.put("escalated", false));
        long sessionsLeft = goneLeft.values().stream().mapToLong(Long::longValue).sum();
        long queuedLeft = 0;
        boolean killed = goneSessions > 0;
        for (Map<String, Object> stop : stopEntries) {
            Map<String, Object> after = (Map<String, Object>) stop.get("after");
            sessionsLeft += ((Number) after.get("sessions")).longValue();
            queuedLeft += ((Number) after.get("queued")).longValue();
            killed |= Boolean.TRUE.equals(stop.get("sessions_killed"));
            String id = stop.get("backend") + "/" + stop.get("server");
            for (Map<String, Object> entry : drainEntries) {
                if (entry.get("backend").equals(stop.get("backend")) && entry.get("server").equals(stop.get("server"))) {
                    Map<String, Object> diff = ServerStateChange.diff((Map<String, Object>) entry.get("before"), after);
                    entry.put("after", after);
                    entry.put("diff", diff);
                    entry.put("changed", true);
                    entry.put("escalated", true);
                    entry.put("sessions_killed", Boolean.TRUE.equals(stop.get("sessions_killed")));
                    entry.put("sessions_killed_count", sessionsAtStop.getOrDefault(id, 0L));
                    entry.put("sessions_left", after.get("sessions"));
                    entry.put("queued_left", after.get("queued"));
                    entry.put("write", stop.get("write")); // the last write to it: the stop's
                }
            }
        }
        // a vanished target: its sessions were killed in the old workers; no server to put in maint
        for (Map<String, Object> entry : drainEntries) {
            String id = entry.get("backend") + "/" + entry.get("server");
            if (goneAtStop.containsKey(id)) {
                entry.put("escalated", true);
                entry.put("sessions_killed", goneAtStop.get(id) > 0);
                entry.put("sessions_killed_count", goneAtStop.get(id));
                entry.put("sessions_left", goneLeft.getOrDefault(id, 0L));
            }
        }
        OneTargetFields.copy(context.request(), drained, drainEntries, List.of("after", "diff"));
        String what = busy.size() == 1 ? busy.get(0) : busy.size() + " servers";
        long total = sessions + goneSessions;
        String done = gone.size() == busy.size() ? total + " session" + (total == 1 ? "" : "s")
                + " killed in the old workers (no longer in the running HAProxy, nothing to put in maint)"
                : "stopped (maint) and " + total + " session" + (total == 1 ? "" : "s") + " killed"
                + (gone.isEmpty() ? "" : ", " + goneSessions + " of them in the old workers for "
                + TargetList.shortened(gone.stream().map(DrainEscalation::id).toList(), ", ")
                + " (no longer in the running HAProxy)");
        // sessions_killed is a boolean as at stop-server (contract 1.2; 1.1 answered the count
        // here), the count has its own field
        return drained.changed(true)
                .put("escalated", true)
                .put("sessions_killed", killed)
                .put("sessions_killed_count", total)
                .put("sessions_left", sessionsLeft)
                .put("queued_left", queuedLeft)
                .msg(drained.get("msg") + " After " + waited + " s " + what + " still had sessions or a queue: " + done
                        + ", as --on-timeout stop asks.");
    }

    /** The sessions of each vanished target ("backend/server") left in the old workers after the kill, as read now. */
    private static Map<String, Long> leftAfterKill(LiveServers live, List<Inspection> gone) {
        Set<String> backends = new LinkedHashSet<>();
        gone.forEach(t -> backends.add(t.server().backend()));
        LiveServers.Look after = live.look(backends);
        Map<String, Long> left = new LinkedHashMap<>();
        for (Inspection target : gone) {
            left.put(id(target), LiveServers.total(after.workers(target.server().backend(), target.server().name()))
                    .sessions());
        }
        return left;
    }

    /** A failed stop's targets into the drain's entries: their after, write, and whether it changed them. */
    @SuppressWarnings("unchecked")
    private static void mergeStop(Outcome drained, List<Map<String, Object>> stopEntries) {
        List<Map<String, Object>> drainEntries = (List<Map<String, Object>>) drained.get("targets");
        if (drainEntries == null) {
            return;
        }
        for (Map<String, Object> stop : stopEntries) {
            for (Map<String, Object> entry : drainEntries) {
                if (entry.get("backend").equals(stop.get("backend")) && entry.get("server").equals(stop.get("server"))) {
                    Map<String, Object> after = (Map<String, Object>) stop.get("after");
                    entry.put("after", after);
                    entry.put("diff", ServerStateChange.diff((Map<String, Object>) entry.get("before"), after));
                    entry.put("write", stop.get("write"));
                    if (Boolean.TRUE.equals(stop.get("changed"))) {
                        entry.put("changed", true);
                        drained.changed(true);
                    }
                    if (Boolean.TRUE.equals(stop.get("failed"))) {
                        entry.put("failed", true);
                        entry.put("error", stop.get("error"));
                    }
                }
            }
        }
    }

    private static String id(Inspection target) {
        return target.server().backend() + "/" + target.server().name();
    }
}
