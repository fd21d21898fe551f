package hapc.action;

import hapc.plan.TargetList;

import hapc.plan.PlannedChange;
import hapc.wait.Interruption;
import hapc.wait.Ramp;
import hapc.wait.RampPlan;
import hapc.wait.UpWait;

import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Request;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * enable-server: back in rotation through the targets core, then optionally (--wait) until
 * HAProxy says every target is up ({@link UpWait}) and (--ramp) the weight climbing to the
 * configured one ({@link Ramp}), all under one deadline counted from the enable. Whatever stops
 * a wait or a ramp early (deadline, failure, Ctrl-C), the servers stay enabled, and the answer's
 * {@code after} and a warning say at which weight.
 */
public final class EnableServer implements ActionHandler {
    private final Consumer<UpProgress> upProgress;
    private final Consumer<RampProgress> rampProgress;
    private final Interruption interruption;

    /** @param upProgress, rampProgress told after each poll or step (for a terminal); may ignore it */
    public EnableServer(Consumer<UpProgress> upProgress, Consumer<RampProgress> rampProgress,
            Interruption interruption) {
        this.upProgress = upProgress;
        this.rampProgress = rampProgress;
        this.interruption = interruption;
    }

    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        RampPlan ramp = request.ramp() == null ? null : RampPlan.of(request.ramp());
        ServerStateChange.Done enabled = ServerStateChange.enable(weight(request, ramp)).apply(context);
        Outcome outcome = enabled.outcome();
        if (enabled.stayedOut() || (!request.waitForSessions() && ramp == null)) {
            return outcome;
        }
        List<PlannedChange> changes = enabled.plan().changes();
        String what = changes.size() == 1 ? changes.get(0).id() : changes.size() + " servers";
        List<Ramp.Climber> climbers = ramp == null ? List.of() : climbers(changes);
        if (request.waitForSessions()) {
            outcome.put("waited", !request.checkMode());
            DrainServer.perTarget(outcome).forEach(entry -> entry.put("waited", !request.checkMode()));
        }
        if (request.checkMode()) {
            if (ramp != null) {
                outcome.put("ramp", rampJson(ramp, climbers, changes, 0, false, null));
                outcome.changed(outcome.get("changed").equals(true) || !climbers.isEmpty());
            }
            return outcome.msg(outcome.get("msg") + " Check mode does not " + (request.waitForSessions()
                    ? (ramp != null ? "wait nor ramp" : "wait") : "ramp") + (ramp != null
                    ? "; the ramp's plan is in ramp." : "."));
        }
        LiveServers live = context.live();
        long started = System.nanoTime();
        long deadline = started + request.timeout().toNanos();
        Map<String, Integer> firstWeights = new LinkedHashMap<>();
        changes.forEach(c -> firstWeights.put(c.id(), c.expected().weight()));
        Ramp climb = new Ramp(live, ramp, climbers, firstWeights);
        interruption.watching(true);
        try {
            if (request.waitForSessions()) {
                try {
                    outcome.put("health", UpWait.await(live, changes, what, started, deadline, interruption,
                            upProgress));
                } finally {
                    outcome.put("waited_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
                }
            }
            if (!climbers.isEmpty()) {
                climb.run(System.nanoTime(), deadline, interruption, what, rampProgress);
                outcome.changed(true);
            }
        } catch (HapcException e) {
            throw stopped(context, outcome, e, ramp, climb, climbers, changes);
        } finally {
            interruption.watching(false);
        }
        if (ramp != null) {
            refreshAfter(request, outcome, readBack(live, changes, climb), changes);
            outcome.put("ramp", rampJson(ramp, climbers, changes, climb.stepsDone(), true, climb.weights()));
        }
        return outcome.msg(outcome.get("msg") + done(outcome, ramp, climbers, what));
    }

    /** The weight the enable itself sets: --weight, or the ramp's first step for a server it brings back. */
    private static ToIntFunction<Server> weight(Request request, RampPlan ramp) {
        if (ramp != null) {
            // A server found in rotation keeps its weight: re-running a ramp must never drop one.
            return s -> s.adminState() == AdminState.READY ? s.weight() : ramp.weightAt(0, s.initialWeight(), 0);
        }
        return request.weight() == null ? null : s -> request.weight().of(s.initialWeight());
    }

    /** The servers the ramp raises: the ones this call enabled, and the ones in rotation below their weight. */
    private static List<Ramp.Climber> climbers(List<PlannedChange> changes) {
        List<Ramp.Climber> climbers = new ArrayList<>();
        for (PlannedChange change : changes) {
            Server before = change.before();
            if (before.adminState() != AdminState.READY) {
                climbers.add(new Ramp.Climber(before.backend(), before.name(), 0));
            } else if (before.weight() < before.initialWeight()) {
                climbers.add(new Ramp.Climber(before.backend(), before.name(), before.weight()));
            }
        }
        return climbers;
    }

    private static String done(Outcome outcome, RampPlan ramp, List<Ramp.Climber> climbers, String what) {
        StringBuilder text = new StringBuilder();
        if (outcome.get("health") instanceof List<?> health) {
            long unchecked = health.stream().filter(h -> Boolean.FALSE.equals(((Map<?, ?>) h).get("checked"))).count();
            text.append(" Up after ").append(UpWait.seconds(((Number) outcome.get("waited_seconds")).doubleValue()))
                    .append(" s");
            if (unchecked > 0) {
                text.append(unchecked == health.size() ? (health.size() == 1 ? " (no health check: up at once)"
                        : " (no health checks: up at once)") : " (" + unchecked + " without health check: up at once)");
            }
            text.append('.');
        }
        if (ramp != null) {
            text.append(climbers.isEmpty() ? " Already in rotation at the configured weight: nothing to ramp."
                    : " Weight ramped to the configured one in " + (ramp.intervals() + 1) + " steps over "
                    + UpWait.seconds(ramp.seconds()) + " s.");
        }
        return text.toString();
    }

    /**
     * The answer of a wait or ramp stopped early: the servers as they are now (best effort: the
     * socket may be what failed), the ramp so far, and a warning for every server left below its
     * configured weight, with the command that finishes the job.
     */
    private HapcException stopped(Context context, Outcome outcome, HapcException cause, RampPlan ramp, Ramp climb,
            List<Ramp.Climber> climbers, List<PlannedChange> changes) {
        cause.partial().forEach(outcome::put);
        String left = "";
        if (ramp != null) {
            Map<String, Integer> weights = climb.weights();
            ServerSnapshot now = readBack(context.live(), changes, climb);
            refreshAfter(context.request(), outcome, now, changes);
            outcome.put("ramp", rampJson(ramp, climbers, changes, climb.stepsDone(), false, weights));
            List<String> low = new ArrayList<>();
            for (PlannedChange change : changes) {
                var found = now.find(change.before().backend(), change.before().name());
                if (found.isEmpty()) {
                    continue; // gone from HAProxy (vanished): no weight left to raise
                }
                Server server = found.get().server();
                if (server.weight() < server.initialWeight()) {
                    low.add(change.id() + " at weight " + server.weight() + " of " + server.initialWeight());
                    context.warnings().add(change.id() + " is enabled but left at weight " + server.weight() + " of "
                            + server.initialWeight() + " (the ramp stopped after step " + climb.stepsDone() + " of "
                            + (ramp.intervals() + 1) + "); raise it with: hapc set-weight -b " + server.backend()
                            + " -s " + server.name() + " --weight 100%");
                }
            }
            if (!low.isEmpty()) {
                left = " Left enabled " + TargetList.shortened(low, ", ") + ".";
            }
        }
        return new HapcException(cause.kind(), cause.getMessage() + (cause.getMessage().endsWith(".") ? "" : ".")
                + left, cause, outcome.fields());
    }

    /**
     * The targets as HAProxy has them now (a target it no longer has left out); on a failed read,
     * as hapc last set them.
     */
    private static ServerSnapshot readBack(LiveServers live, List<PlannedChange> changes, Ramp climb) {
        Set<String> backends = new LinkedHashSet<>();
        changes.forEach(c -> backends.add(c.before().backend()));
        try {
            return live.readPresent(backends); // a server a reload removed is absent, not an error
        } catch (HapcException e) {
            Map<String, Map<String, LiveServers.Inspection>> known = new LinkedHashMap<>();
            for (PlannedChange change : changes) {
                Server last = change.expected().withWeight(climb.weights().getOrDefault(change.id(),
                        change.expected().weight()));
                known.computeIfAbsent(last.backend(), b -> new LinkedHashMap<>()).put(last.name(),
                        new LiveServers.Inspection(last, change.target().workers()));
            }
            return new ServerSnapshot(known);
        }
    }

    /** Puts the servers as read now into the answer's after, diff and targets. */
    @SuppressWarnings("unchecked")
    private static void refreshAfter(Request request, Outcome outcome, ServerSnapshot now, List<PlannedChange> changes) {
        List<Map<String, Object>> targets = (List<Map<String, Object>>) outcome.get("targets");
        for (int i = 0; i < changes.size(); i++) {
            PlannedChange change = changes.get(i);
            var found = now.find(change.before().backend(), change.before().name());
            if (found.isEmpty()) {
                continue;
            }
            Map<String, Object> before = change.before().toJson();
            Map<String, Object> after = found.get().server().toJson();
            Map<String, Object> diff = ServerStateChange.diff(before, after);
            Map<String, Object> entry = targets.get(i);
            entry.put("after", after);
            entry.put("diff", diff);
            entry.put("changed", !((Map<?, ?>) diff.get("before")).isEmpty() || Boolean.TRUE.equals(entry.get("changed")));
        }
        OneTargetFields.copy(request, outcome, targets, List.of("after", "diff"));
    }

    private static Map<String, Object> rampJson(RampPlan ramp, List<Ramp.Climber> climbers,
            List<PlannedChange> changes, int stepsDone, boolean completed, Map<String, Integer> weights) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seconds", ramp.seconds());
        json.put("interval_seconds", Math.round(ramp.interval() * 1000) / 1000.0);
        json.put("steps", ramp.steps());
        json.put("steps_done", stepsDone);
        json.put("completed", completed);
        List<Map<String, Object>> servers = new ArrayList<>();
        for (Ramp.Climber climber : climbers) {
            PlannedChange change = changes.stream().filter(c -> c.id().equals(climber.id())).findFirst().orElseThrow();
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("backend", climber.backend());
            server.put("server", climber.server());
            server.put("from_weight", change.expected().weight());
            server.put("to_weight", change.before().initialWeight());
            server.put("weight", weights == null ? change.expected().weight() : weights.get(climber.id()));
            servers.add(server);
        }
        json.put("targets", servers);
        return json;
    }

    /** One poll of the wait for "up": how many of the targets are up, and the first one that is not. */
    public record UpProgress(String what, int targets, int up, String firstNotUp, double waited, double timeout) {
    }

    /** One step of the ramp: step k of n, the weights now, seconds into the ramp and its length. */
    public record RampProgress(String what, int step, int steps, String weights, double elapsed, double seconds) {
    }
}
