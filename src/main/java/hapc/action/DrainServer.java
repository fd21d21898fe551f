package hapc.action;

import hapc.plan.TargetList;
import hapc.wait.Interruption;

import hapc.plan.Targets;
import hapc.wait.WaitWatch;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.output.Outcome;
import hapc.request.Request;
import hapc.runtime.LiveServers.WorkerLoad;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * drain-server: drain every target, then (with --wait) poll until none has a session or
 * anything queued in any worker, or the one deadline passes. On the deadline it fails (exit 1)
 * and leaves the servers drained. Each poll asks HAProxy about the backends concerned only, so
 * it stays cheap on an HAProxy of any size; polls are 100 ms apart, well inside the half second
 * promised. Each poll also reads the targets' states: {@link WaitWatch} keeps them drained across
 * a reload and stops the wait when someone else puts one back in rotation.
 */
public final class DrainServer implements ActionHandler {
    static final long POLL_MILLIS = 100;

    private final Consumer<WaitProgress> progress;
    private final Interruption interruption;

    /** @param progress told after every poll (for a human watching a terminal); may ignore it */
    public DrainServer(Consumer<WaitProgress> progress, Interruption interruption) {
        this.progress = progress;
        this.interruption = interruption;
    }

    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        ServerStateChange.Done drained = ServerStateChange.drain().apply(context);
        if (!request.waitForSessions() || request.checkMode()) {
            return waitFor(context, drained);
        }
        // Ctrl-C or SIGTERM while waiting: answered, like enable-server's wait (see Main).
        interruption.watching(true);
        try {
            return waitFor(context, drained);
        } finally {
            interruption.watching(false);
        }
    }

    private Outcome waitFor(Context context, ServerStateChange.Done drained) {
        Request request = context.request();
        Outcome outcome = drained.outcome();
        if (!request.waitForSessions() || request.checkMode()) {
            perTarget(outcome).forEach(entry -> entry.put("waited", false));
            outcome.put("waited", false);
            return request.waitForSessions()
                    ? outcome.msg(outcome.get("msg") + " Check mode does not wait for sessions.") : outcome;
        }
        Targets targets = drained.plan().targets();
        String what = targets.single() ? drained.plan().changes().get(0).id()
                : targets.list().size() + " servers";
        long started = System.nanoTime();
        long deadline = started + request.timeout().toNanos();
        WaitWatch watch = new WaitWatch(context, drained);
        while (true) {
            List<Left> left;
            try {
                LiveServers.Look now = watch.poll(deadline);
                if (now == null) {
                    // HAProxy is being reloaded: look again at the next poll
                    if (!interruption.pause(POLL_MILLIS)) {
                        waited(outcome, started, null, null);
                        throw interrupted(what, targets, outcome, null);
                    }
                    continue;
                }
                left = left(targets, now);
            } catch (HapcException e) {
                waited(outcome, started, null, null);
                if (e.kind() == ErrorKind.CONFLICT) {
                    throw new HapcException(e.kind(), e.getMessage(), null, outcome.fields());
                }
                throw new HapcException(e.kind(), what + (targets.single() ? " was drained, but waiting for its"
                        : " were drained, but waiting for their") + " sessions failed: " + e.getMessage(), e,
                        outcome.fields());
            }
            ServerLoad total = left.stream().map(Left::total).reduce(ServerLoad.NONE, ServerLoad::plus);
            long now = System.nanoTime();
            progress.accept(new WaitProgress(what, total, (now - started) / 1e9, request.timeout().toNanos() / 1e9));
            if (total.idle()) {
                waited(outcome, started, total, left);
                return outcome.msg(outcome.get("msg") + " No sessions left after "
                        + seconds(outcome.get("waited_seconds")) + " s" + gone(watch) + ".");
            }
            if (now >= deadline) {
                waited(outcome, started, total, left);
                if (request.stopOnTimeout()) {
                    return DrainEscalation.stop(context, outcome, left.stream().filter(l -> !l.total().idle())
                            .map(Left::id).toList(), watch.vanished(), seconds(outcome.get("waited_seconds")));
                }
                List<String> gone = goneIds(watch);
                throw new HapcException(ErrorKind.TIMEOUT, stillBusy(what, left, seconds(outcome.get("waited_seconds")))
                        + (gone.isEmpty() ? "" : " " + TargetList.shortened(gone, ", ") + (gone.size() == 1 ? " is"
                        : " are") + " no longer in the running HAProxy (counted in the old workers)."), null,
                        outcome.fields());
            }
            if (!interruption.pause(Math.max(1, Math.min(POLL_MILLIS, (deadline - now) / 1_000_000)))) {
                waited(outcome, started, total, left);
                throw interrupted(what, targets, outcome, total);
            }
        }
    }

    /** The answer of a wait cut short by Ctrl-C or SIGTERM: drained they stay, with what was left. */
    private static HapcException interrupted(String what, Targets targets, Outcome outcome, ServerLoad left) {
        return new HapcException(ErrorKind.INTERRUPTED, "interrupted after " + seconds(outcome.get("waited_seconds"))
                + " s of waiting for the sessions of " + what + (left == null ? "" : " (" + load(left) + " left)")
                + "; " + (targets.single() ? "it stays" : "they stay") + " drained.", null, outcome.fields());
    }

    /** The timeout's message: which targets still hold what, and where. */
    private static String stillBusy(String what, List<Left> left, String waited) {
        if (left.size() == 1) {
            ServerLoad total = left.get(0).total();
            return what + " is drained but still has " + load(total) + " after " + waited + " s ("
                    + WorkerLoads.where(left.get(0).workers(), false) + "); it stays drained.";
        }
        List<String> busy = new ArrayList<>();
        for (Left server : left) {
            if (!server.total().idle()) {
                busy.add(server.id() + " " + load(server.total()) + " (" + WorkerLoads.where(server.workers(), false)
                        + ")");
            }
        }
        return what + " are drained but " + busy.size() + " still busy after " + waited + " s: "
                + TargetList.shortened(busy, "; ") + "; they stay drained.";
    }

    private static String load(ServerLoad load) {
        return load.sessions() + " session" + (load.sessions() == 1 ? "" : "s") + " and " + load.queued() + " queued";
    }

    /** Each target's load in every worker, from one poll; a vanished target's in the old workers only. */
    private static List<Left> left(Targets targets, LiveServers.Look now) {
        List<Left> left = new ArrayList<>(targets.list().size());
        for (LiveServers.Inspection target : targets.list()) {
            String backend = target.server().backend();
            String name = target.server().name();
            List<WorkerLoad> workers = now.workers(backend, name);
            left.add(new Left(backend + "/" + name, workers, LiveServers.total(workers)));
        }
        return left;
    }

    /** The success message's note on the targets a reload removed (the warning has the details). */
    private static String gone(WaitWatch watch) {
        List<String> ids = goneIds(watch);
        return ids.isEmpty() ? "" : " (" + TargetList.shortened(ids, ", ") + " no longer in the running HAProxy:"
                + " counted in the old workers)";
    }

    private static List<String> goneIds(WaitWatch watch) {
        return watch.vanished().stream().map(t -> t.server().backend() + "/" + t.server().name()).toList();
    }

    private record Left(String id, List<WorkerLoad> workers, ServerLoad total) {
    }

    /**
     * The wait's figures: at the top level for the call (the time, the totals left) and in each
     * target's entry (waited, what it had left), as the last poll saw them.
     *
     * @param left each target's load at the last poll, or null when no poll answered
     */
    private static Outcome waited(Outcome outcome, long started, ServerLoad total, List<Left> left) {
        outcome.put("waited", true)
                .put("waited_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
        if (total != null) {
            outcome.put("sessions_left", total.sessions()).put("queued_left", total.queued());
        }
        for (Map<String, Object> entry : perTarget(outcome)) {
            entry.put("waited", true);
            String id = entry.get("backend") + "/" + entry.get("server");
            if (left != null) {
                left.stream().filter(l -> l.id().equals(id)).findFirst().ifPresent(l -> {
                    entry.put("sessions_left", l.total().sessions());
                    entry.put("queued_left", l.total().queued());
                });
            }
        }
        return outcome;
    }

    /** The answer's targets[] entries (empty when none yet). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> perTarget(Outcome outcome) {
        return outcome.get("targets") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private static String seconds(Object value) {
        return String.format(java.util.Locale.ROOT, "%.1f", ((Number) value).doubleValue());
    }

    /** One poll's figures: sessions and queue left, seconds waited, seconds allowed. */
    public record WaitProgress(String server, ServerLoad left, double waited, double timeout) {
    }
}
