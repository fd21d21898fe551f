package hapc.cli;

import hapc.action.DrainServer.WaitProgress;
import hapc.action.EnableServer;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The progress of a drain wait, an enable wait or a ramp for a person at a terminal: one line on stderr, rewritten in
 * place after every poll (carriage return, then erase to the end of the line, so a shorter
 * line leaves nothing behind). Only ever used when stderr is a terminal: in a log file the
 * escape codes and hundreds of rewrites would be noise.
 */
final class WaitProgressPrinter implements Consumer<WaitProgress> {
    private static final String REWRITE = "\r\033[K";

    private final PrintStream err;
    private boolean lineOpen;

    WaitProgressPrinter(PrintStream err) {
        this.err = err;
    }

    @Override
    public void accept(WaitProgress p) {
        err.print(REWRITE + line(p));
        lineOpen = true;
        if (p.left().idle()) {
            finish();
        }
        err.flush();
    }

    /** A capacity wait (--capacity-timeout), after each poll: the line as it is. */
    void line(String line) {
        err.print(REWRITE + line);
        lineOpen = true;
        err.flush();
    }

    /** enable-server --wait, after each poll. */
    void up(EnableServer.UpProgress p) {
        err.print(REWRITE + line(p));
        lineOpen = true;
        err.flush();
    }

    /** enable-server --ramp, after each step. */
    void ramp(EnableServer.RampProgress p) {
        err.print(REWRITE + line(p));
        lineOpen = true;
        err.flush();
    }

    static String line(EnableServer.UpProgress p) {
        String state = p.targets() == 1 ? p.firstNotUp() : p.up() + " of " + p.targets() + " up"
                + (p.up() == p.targets() ? "" : ", first not up: " + p.firstNotUp());
        return String.format(Locale.ROOT, "hapc: waiting for %s to be up: %s, waited %.1f s of %s s", p.what(), state,
                p.waited(), seconds(p.timeout()));
    }

    static String line(EnableServer.RampProgress p) {
        return String.format(Locale.ROOT, "hapc: ramping %s: step %d of %d, %s, %.1f s of %s s", p.what(), p.step(),
                p.steps(), p.weights(), p.elapsed(), seconds(p.seconds()));
    }

    static String line(WaitProgress p) {
        long sessions = p.left().sessions();
        return String.format(Locale.ROOT, "hapc: draining %s: %d session%s and %d queued left, waited %.1f s of %s s",
                p.server(), sessions, sessions == 1 ? "" : "s", p.left().queued(), p.waited(), seconds(p.timeout()));
    }

    /** Ends the progress line, so that whatever comes next (the answer, a shell prompt) starts on its own. */
    void finish() {
        if (lineOpen) {
            err.println();
            err.flush();
            lineOpen = false;
        }
    }

    private static String seconds(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.format(Locale.ROOT, "%.1f", seconds);
    }
}
