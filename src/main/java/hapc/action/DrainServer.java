package hapc.action;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.output.Outcome;
import hapc.request.Request;
import hapc.runtime.LiveServers;
import hapc.runtime.LiveServers.WorkerLoad;
import hapc.runtime.ServerLoad;
import java.util.List;
import java.util.function.Consumer;

/**
 * drain-server: drain, then (with --wait) poll until the server has no session and nothing
 * queued in any worker, or the deadline passes. On the deadline it fails (exit 1) and leaves
 * the server drained. Each poll asks HAProxy about this one backend only, so it stays cheap on
 * an HAProxy of any size; polls are 100 ms apart, well inside the half second promised.
 */
public final class DrainServer implements ActionHandler {
    static final long POLL_MILLIS = 100;

    private final Consumer<WaitProgress> progress;

    /** @param progress told after every poll (for a human watching a terminal); may ignore it */
    public DrainServer(Consumer<WaitProgress> progress) {
        this.progress = progress;
    }

    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        Outcome outcome = ServerStateChange.drain().run(context);
        if (!request.waitForSessions()) {
            return outcome.put("waited", false);
        }
        if (request.checkMode()) {
            return outcome.put("waited", false)
                    .msg(outcome.get("msg") + " Check mode does not wait for sessions.");
        }
        String id = request.backend() + "/" + request.server();
        LiveServers live = context.live();
        long started = System.nanoTime();
        long deadline = started + request.timeout().toNanos();
        while (true) {
            List<WorkerLoad> loads;
            try {
                loads = live.loadByWorker(request.backend(), request.server());
            } catch (HapcException e) {
                throw new HapcException(e.kind(), id + " was drained, but waiting for its sessions failed: "
                        + e.getMessage(), e, waited(outcome, started, null).fields());
            }
            ServerLoad total = LiveServers.total(loads);
            long now = System.nanoTime();
            progress.accept(new WaitProgress(id, total, (now - started) / 1e9, request.timeout().toNanos() / 1e9));
            if (total.idle()) {
                waited(outcome, started, total);
                return outcome.msg(outcome.get("msg") + " No sessions left after "
                        + seconds(outcome.get("waited_seconds")) + " s.");
            }
            if (now >= deadline) {
                waited(outcome, started, total);
                throw new HapcException(ErrorKind.TIMEOUT, id + " is drained but still has " + total.sessions()
                        + " session" + (total.sessions() == 1 ? "" : "s") + " and " + total.queued() + " queued after "
                        + seconds(outcome.get("waited_seconds")) + " s (" + WorkerLoads.where(loads, false)
                        + "); it stays drained.", null, outcome.fields());
            }
            Pause.millis(Math.max(1, Math.min(POLL_MILLIS, (deadline - now) / 1_000_000)));
        }
    }

    private static Outcome waited(Outcome outcome, long started, ServerLoad left) {
        outcome.put("waited", true)
                .put("waited_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
        if (left != null) {
            outcome.put("sessions_left", left.sessions()).put("queued_left", left.queued());
        }
        return outcome;
    }

    private static String seconds(Object value) {
        return String.format(java.util.Locale.ROOT, "%.1f", ((Number) value).doubleValue());
    }

    /** One poll's figures: sessions and queue left, seconds waited, seconds allowed. */
    public record WaitProgress(String server, ServerLoad left, double waited, double timeout) {
    }
}
