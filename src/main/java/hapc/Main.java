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
        Interruption interruption = new Interruption();
        CountDownLatch answered = new CountDownLatch(1);
        // On Ctrl-C the JVM runs this hook and then halts. A wait or ramp in progress is asked to
        // stop and given a few seconds to print its answer (where it left the servers); any other
        // call ends at once, as before. The exit status is then the signal's (130), whatever
        // the answer says.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (interruption.watched()) {
                interruption.interrupt();
                try {
                    answered.await(ANSWER_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "hapc-interrupt"));
        int status = new Cli(System.in, System.out, System.err, Terminal.detect(), interruption).run(args);
        answered.countDown();
        System.exit(status);
    }
}
