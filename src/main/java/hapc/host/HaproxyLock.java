package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The one lock of one HAProxy, held by a writing call around read, plan, guard, write and read
 * back so that hapc processes on this host act one after another and each plans from what the
 * others did. It is an OS file lock ({@code fcntl}/{@code flock} through {@link FileChannel#lock}):
 * the kernel drops it when the process dies, so a killed caller never blocks the next one, and
 * there is no stale-lock clean-up to get wrong. The file itself is never deleted (deleting a
 * lock file lets two processes lock two different files of the same name).
 *
 * <p>It covers every hapc process on this host that uses the same state directory; it cannot
 * cover a hapc on another host reaching the same HAProxy over a TCP admin socket.
 */
public final class HaproxyLock implements AutoCloseable {
    private static final long POLL_MILLIS = 5;

    private final FileChannel channel;
    private final FileLock lock;
    private final long waitedNanos;

    private HaproxyLock(FileChannel channel, FileLock lock, long waitedNanos) {
        this.channel = channel;
        this.lock = lock;
        this.waitedNanos = waitedNanos;
    }

    /**
     * Takes the lock of the HAProxy {@code key}, waiting at most {@code bound}; past it, kind
     * timeout and nothing sent. {@code holder} is written into the file for the message of the
     * next caller who has to wait.
     */
    public static HaproxyLock acquire(StateDir dir, String key, Duration bound, String holder) {
        Path file = dir.fileFor(key, "lock");
        dir.ensure();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new HapcException(ErrorKind.PERMISSION, "cannot open hapc's lock file " + file
                    + ": permission denied (set --state-dir or " + StateDir.ENVIRONMENT + ")");
        } catch (IOException e) {
            throw new HapcException(ErrorKind.CONFIG, "cannot open hapc's lock file " + file + ": " + e);
        }
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    HaproxyLock taken = new HaproxyLock(channel, lock, System.nanoTime() - start);
                    taken.describe(holder);
                    return taken;
                }
                if (System.nanoTime() - deadline >= 0) {
                    String other = holderOf(channel);
                    channel.close();
                    throw new HapcException(ErrorKind.TIMEOUT, "another hapc call"
                            + (other.isEmpty() ? "" : " (" + other + ")") + " held the lock of HAProxy " + key
                            + " for longer than " + bound.toMillis() / 1000.0 + " s (--socket-timeout); nothing was"
                            + " sent. Lock file: " + file);
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new HapcException(ErrorKind.CONFIG, "cannot lock " + file + ": " + e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            Thread.currentThread().interrupt();
            throw new HapcException(ErrorKind.INTERRUPTED, "interrupted while waiting for the lock of HAProxy " + key
                    + "; nothing was sent");
        }
    }

    /**
     * The lock, or null while another holds it. Another thread of this JVM (tests, a future
     * embedding) holding it shows as OverlappingFileLockException rather than null.
     */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    /** How long the call waited for other callers. */
    public Duration waited() {
        return Duration.ofNanos(waitedNanos);
    }

    private void describe(String holder) {
        try {
            byte[] text = (holder + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
        } catch (IOException e) {
            // only the waiting callers' message loses the holder's name
        }
    }

    private static String holderOf(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(200);
            channel.read(buffer, 0);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip()
                    .replaceAll("\\p{Cntrl}", " ");
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
