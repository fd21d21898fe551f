package hapc.action;

import hapc.action.Context;
import hapc.plan.Targets;

import hapc.HapcException;
import hapc.host.HaproxyLock;
import hapc.output.Outcome;
import hapc.runtime.LiveServers.Inspection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * drain-server --wait --on-timeout stop: at the deadline, the targets still busy are stopped
 * with stop-server's own plan (maint, then their sessions killed in every worker, old ones
 * included) and the call succeeds, saying so ({@code escalated}, {@code sessions_killed}). The
 * targets that emptied in time stay drained.
 */
public final class DrainEscalation {
    private DrainEscalation() {
    }

    /**
     * @param drained the drain's answer so far (its wait figures already in)
     * @param busy    the ids ("backend/server") of the targets still holding sessions or a queue
     */
    @SuppressWarnings("unchecked")
    public static Outcome stop(Context context, Outcome drained, List<String> busy, String waited) {
        ServerStateChange.Done stopped;
        Map<String, Long> sessionsAtStop = new LinkedHashMap<>();
        try (HaproxyLock lock = context.lockForWriting()) {
            ServerStateChange stop = ServerStateChange.stop();
            Targets fresh = Targets.resolve(context, stop::untouched);
            Targets still = new Targets(fresh.list().stream().filter(t -> busy.contains(id(t))).toList(),
                    fresh.snapshot());
            still.list().forEach(t -> sessionsAtStop.put(id(t), t.server().sessions()));
            stopped = stop.apply(context, still);
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

        List<Map<String, Object>> drainEntries = DrainServer.perTarget(drained);
        List<Map<String, Object>> stopEntries = (List<Map<String, Object>>) stopped.outcome().get("targets");
        drainEntries.forEach(entry -> entry.put("escalated", false));
        long sessionsLeft = 0;
        long queuedLeft = 0;
        boolean killed = false;
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
        OneTargetFields.copy(context.request(), drained, drainEntries, List.of("after", "diff"));
        String what = busy.size() == 1 ? busy.get(0) : busy.size() + " servers";
        // sessions_killed is a boolean as at stop-server (contract 1.2; 1.1 answered the count
        // here), the count has its own field
        return drained.changed(true)
                .put("escalated", true)
                .put("sessions_killed", killed)
                .put("sessions_killed_count", sessions)
                .put("sessions_left", sessionsLeft)
                .put("queued_left", queuedLeft)
                .msg(drained.get("msg") + " After " + waited + " s " + what + " still had sessions or a queue: stopped (maint) and " + sessions + " session"
                        + (sessions == 1 ? "" : "s") + " killed, as --on-timeout stop asks.");
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
