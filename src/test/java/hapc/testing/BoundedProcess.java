package hapc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process waited for with a deadline: stdout and stderr are read on threads of their
 * own while the test waits (a full pipe would block the child; reading to the end first would
 * wait forever for a child that never ends), and a child still running at the deadline is
 * killed, with its descendants, and the test fails there instead of hanging the build.
 */
public record BoundedProcess(int exit, String stdout, String stderr) {

    /** Runs a command with stdin closed. */
    public static BoundedProcess run(Duration limit, String... command) {
        return run(new ProcessBuilder(command), limit);
    }

    public static BoundedProcess run(ProcessBuilder builder, Duration limit) {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
        return finish(process, limit, String.join(" ", builder.command()));
    }

    /** Waits for a started process (its stdin is closed here) at most {@code limit}. */
    public static BoundedProcess finish(Process process, Duration limit, String what) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the child may have closed its end already
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Threads of their own, not the common pool: that has one thread on a 2-core machine.
        Thread outReader = reader(process.getInputStream(), out, "stdout-" + process.pid());
        Thread errReader = reader(process.getErrorStream(), err, "stderr-" + process.pid());
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new AssertionError(what + " did not end within " + limit.toSeconds() + " s; killed. Output so far: "
                        + text(out) + text(err));
            }
            // The child is gone; a descendant that kept the pipes open must not hold us either.
            outReader.join(5000);
            errReader.join(5000);
            return new BoundedProcess(process.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted (timeout?) while waiting for " + what, e);
        }
    }

    private static Thread reader(InputStream in, ByteArrayOutputStream into, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (into) {
                        into.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the stream was closed under us: keep what we have
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
