package hapc;

import hapc.wait.Interruption;

import hapc.cli.Cli;
import hapc.cli.Terminal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Entry point: everything happens in {@link Cli#run}, which tests drive with their own streams. */
public final class Main {
    /** Time a wait or ramp gets, after Ctrl-C, to read the servers back and answer (one socket exchange or two). */
    private static final long ANSWER_GRACE_SECONDS = 5;

    private Main() {
    }

    public static void main(String[] args) {
        chooseSelectorProvider();
        Interruption interruption = new Interruption();
        CountDownLatch answered = new CountDownLatch(1);
        // On Ctrl-C the JVM runs this hook and then halts. A wait or ramp in progress is asked to
        // stop and given a few seconds to print its answer (where it left the servers); any other
        // call ends at once, as before. The exit status is then the signal's (130), whatever
        // the answer says.
        Runtime.getRuntime().addShutdownHook(new InterruptHook(interruption, answered));
        int status = new Cli(System.in, System.out, System.err, Terminal.detect(), interruption).run(args);
        answered.countDown();
        System.exit(status);
    }

    /**
     * Names the JDK's own socket implementation before the first socket opens. Otherwise the JDK
     * looks for another one on the class path (a service lookup), which opens and indexes
     * hapc.jar, 3.5 MB and thousands of entries, that the class-data archive otherwise spares
     * the call: ~100 classes and 7-10 ms of every call's start-up (bench/RESULTS.md, issue 22).
     * Linux only (the class is Linux's); anywhere else, or when the caller set the property, the
     * JDK chooses as usual.
     */
    private static void chooseSelectorProvider() {
        String property = "java.nio.channels.spi.SelectorProvider";
        if (System.getProperty(property) == null && "Linux".equals(System.getProperty("os.name"))) {
            System.setProperty(property, "sun.nio.ch.EPollSelectorProvider");
        }
    }

    /**
     * The Ctrl-C hook. A class, not a lambda: the first lambda of a run is spun at run time
     * (this one is not in the archive, whose training does not go through main), which cost
     * ~3 ms of every call's start-up.
     */
    private static final class InterruptHook extends Thread {
        private final Interruption interruption;
        private final CountDownLatch answered;

        InterruptHook(Interruption interruption, CountDownLatch answered) {
            super("hapc-interrupt");
            this.interruption = interruption;
            this.answered = answered;
        }

        @Override
        public void run() {
            if (interruption.watched()) {
                interruption.interrupt();
                try {
                    answered.await(ANSWER_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
