package hapc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A separate process that takes an exclusive OS lock on a file and holds it until it is killed
 * (at most two minutes): what a hapc call looks like to the others while it holds an HAProxy's
 * lock, and, once SIGKILLed, what a caller that died holding it leaves behind. It locks the file
 * with plain {@link FileChannel#lock}, not with hapc's own lock class, so a test proves the
 * lock works between processes rather than agreeing with itself.
 */
public final class LockHolder {
    private static final String LOCKED = "locked";

    private LockHolder() {
    }

    /** The holder's main: lock args[0], say so on stdout, then sleep (bounded). */
    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.lock();
            System.out.println(LOCKED);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }

    /**
     * Starts a holder of {@code lockFile} and returns once it holds the lock (at most 20 s);
     * the caller kills it ({@link Process#destroyForcibly()} is SIGKILL) and waits for it.
     */
    public static Process start(Path lockFile) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", HapcProcess.classpath(), LockHolder.class.getName(), lockFile.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = first.get(20, TimeUnit.SECONDS);
            if (!LOCKED.equals(line)) {
                throw new AssertionError("the lock holder did not lock " + lockFile + ": " + line);
            }
            return process;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the lock holder did not lock " + lockFile + " within 20 s", e);
        }
    }

    /** SIGKILL, and wait (bounded) until the kernel has reaped it and dropped its locks. */
    public static void kill(Process holder) {
        holder.destroyForcibly();
        try {
            if (!holder.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("the lock holder did not die within 20 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
