package hapc.cli;

import hapc.action.DrainServer.WaitProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The progress of a drain wait for a person at a terminal: one line on stderr, rewritten in
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
