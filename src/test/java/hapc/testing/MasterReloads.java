package hapc.testing;

import java.io.UncheckedIOException;
import java.time.Duration;

/** A reload as systemctl or an operator does it: {@code reload} on the master CLI, not through hapc. */
public final class MasterReloads {
    private MasterReloads() {
    }

    /** Sends the reload and returns once a worker other than {@code oldWorker} answers on the admin socket. */
    public static void reload(HaproxyProcess haproxy, int oldWorker) {
        try {
            RawSocket.ask(haproxy.masterSocket(), "reload");
        } catch (UncheckedIOException e) {
            // the master re-executes itself and may close the connection without an answer
        }
        if (!HaproxyProcess.waitUntil(Duration.ofSeconds(15), () -> {
            try {
                return Procs.adminPid(haproxy.adminSocket()) != oldWorker;
            } catch (UncheckedIOException e) {
                return false;
            }
        })) {
            throw new AssertionError("no new worker took over within 15 s of the master CLI reload");
        }
    }
}
