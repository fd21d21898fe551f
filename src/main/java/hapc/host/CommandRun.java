package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a program on this host, as an argument array (never through a shell: a config
 * path with a space or a {@code ;} in it stays one argument), with stderr folded into stdout,
 * bounded in time. A program still running at the deadline is killed and reported.
 */
public record CommandRun(List<String> command, int exitStatus, List<String> output) {

    public static CommandRun run(List<String> command, Duration limit) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HapcException(ErrorKind.CONFIG, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), captured), "hapc-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new HapcException(ErrorKind.TIMEOUT, String.join(" ", command) + " did not finish within "
                        + limit.toSeconds() + " s and was stopped");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HapcException(ErrorKind.TIMEOUT, "interrupted while running " + command.get(0), e);
        }
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        return new CommandRun(List.copyOf(command), process.exitValue(), lines);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (out) {
                    // bounded: a runaway program cannot make hapc hold more than 1 MB of its output
                    if (out.size() < 1 << 20) {
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
