package hapc.wait;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or a SIGTERM) while enable-server waits or ramps, or drain-server waits. The JVM runs shutdown hooks on the
 * signal and then halts, so the hook can only ask the running call to stop and give it a
 * moment to answer: the call notices between polls and steps (never in the middle of an
 * exchange with HAProxy), and answers with the state it left the servers in. {@link #watched}
 * says whether such a call is running; otherwise Ctrl-C ends hapc at once, as it always did.
 */
public final class Interruption {
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private volatile boolean watched;

    /** Asks the running wait or ramp to stop; called from the shutdown hook. */
    public void interrupt() {
        interrupted.countDown();
    }

    public boolean interrupted() {
        return interrupted.getCount() == 0;
    }

    /** Whether a wait or ramp that answers on interruption is running. */
    public boolean watched() {
        return watched;
    }

    public void watching(boolean on) {
        watched = on;
    }

    /** Sleeps up to {@code millis}; false when interrupted before or during the pause. */
    public boolean pause(long millis) {
        try {
            return !interrupted.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
