package hapc.wait;

import hapc.ErrorKind;
import hapc.HapcException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * --capacity-timeout: the capacity guard refused, so wait for other callers to bring servers
 * back. Polls HAProxy without the lock (a read), and only says when the guard would allow the
 * change; the caller then takes the lock and checks again, since another waiter may have taken
 * the capacity in between. Past the deadline the guard's refusal stands (kind capacity).
 */
public final class CapacityWait {
    private static final long POLL_MILLIS = 200;

    private final long deadline;
    private final long start = System.nanoTime();
    private final Duration timeout;
    private final Interruption interruption;
    private final Consumer<String> progress;

    public CapacityWait(Duration timeout, Interruption interruption, Consumer<String> progress) {
        this.timeout = timeout;
        this.deadline = start + timeout.toNanos();
        this.interruption = interruption;
        this.progress = progress;
    }

    /**
     * Returns when {@code allows} says yes; throws the refusal (with how long it waited) at the
     * deadline, or kind interrupted on Ctrl-C/SIGTERM. Nothing was sent in either case.
     */
    public void until(BooleanSupplier allows, HapcException refusal) {
        interruption.watching(true);
        try {
            while (true) {
                double waited = (System.nanoTime() - start) / 1e9;
                if (System.nanoTime() - deadline >= 0) {
                    throw new HapcException(ErrorKind.CAPACITY, refusal.getMessage() + String.format(Locale.ROOT,
                            " Waited %.1f s for capacity (--capacity-timeout %s).", waited, seconds()), null,
                            refusal.partial());
                }
                progress.accept(String.format(Locale.ROOT, "hapc: waiting for capacity: %s waited %.1f s of %s s",
                        firstSentence(refusal.getMessage()), waited, seconds()));
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (!interruption.pause(Math.max(1, Math.min(POLL_MILLIS, left)))) {
                    throw new HapcException(ErrorKind.INTERRUPTED, String.format(Locale.ROOT,
                            "interrupted after waiting %.1f s for capacity; nothing was changed",
                            (System.nanoTime() - start) / 1e9), null, refusal.partial());
                }
                if (allows.getAsBoolean()) {
                    return;
                }
            }
        } finally {
            interruption.watching(false);
        }
    }

    private String seconds() {
        double s = timeout.toNanos() / 1e9;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.1f", s);
    }

    private static String firstSentence(String message) {
        int colon = message.indexOf(": ");
        String rest = colon < 0 ? message : message.substring(colon + 2);
        int end = rest.indexOf(" (now");
        return (end < 0 ? rest : rest.substring(0, end)) + ";";
    }
}
