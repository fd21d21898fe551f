package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place that does I/O with an HAProxy CLI (admin socket or master CLI).
 *
 * <p>One exchange is one connection: the commands joined by {@code ;} on ONE line (from 3.0
 * only the first line of a non-interactive connection runs), then everything HAProxy writes
 * until it closes. Every exchange is bounded by a deadline, and running out of time is an
 * error, never a short answer. A failed exchange is never re-sent: a write may already have
 * taken effect.
 */
public final class AdminSocket {
    /**
     * Far above any answer hapc asks for (the whole {@code show stat} of a 10,000-backend HAProxy
     * is about 25 MB), far below what would exhaust the heap: something that streams without end
     * is not an HAProxy answering, and must fail as such rather than as an OutOfMemoryError.
     */
    static final int MAX_ANSWER_BYTES = 128 * 1024 * 1024;

    private final SocketTarget target;
    private final Duration timeout;
    private final Consumer<String> trace;

    public AdminSocket(SocketTarget target, Duration timeout, Consumer<String> trace) {
        this.target = target;
        this.timeout = timeout;
        this.trace = trace;
    }

    public SocketTarget target() {
        return target;
    }

    /**
     * Sends the commands as one line and returns one answer per command, in order. Commands are
     * built by this package from validated names; the check here is a second line of defence.
     */
    public List<Answer> exchange(List<String> commands) {
        return exchange(commands, false);
    }

    /**
     * {@link #exchange} for a line that changes HAProxy. When the exchange fails after the line
     * went out (no answer in time, the answer cut off, the connection reset), the change may
     * well have been applied: the error says so instead of letting "failed" read as "nothing
     * happened", and hapc still never re-sends it.
     */
    public List<Answer> exchangeChange(List<String> commands) {
        return exchange(commands, true);
    }

    private List<Answer> exchange(List<String> commands, boolean changes) {
        commands.forEach(AdminSocket::exchangeCheck);
        String line = String.join("; ", commands);
        trace.accept("-> " + target + ": " + line);
        long started = System.nanoTime();
        Sent sent = new Sent();
        try {
            byte[] bytes = transfer((line + "\n").getBytes(StandardCharsets.UTF_8), sent);
            trace.accept("<- " + bytes.length + " bytes in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return split(commands, bytes);
        } catch (HapcException e) {
            if (!changes || !sent.any) {
                throw e;
            }
            throw new HapcException(e.kind(), e.getMessage() + "; the change was sent ('" + line
                    + "') and HAProxy may have applied it: check the server's state (hapc list-servers -d) before"
                    + " trying again", e.getCause() == null ? e : e.getCause(), e.partial());
        }
    }

    /**
     * Sends one command and returns everything HAProxy wrote, unsplit. For the master CLI's
     * {@code reload}, which up to 2.6 answers nothing at all (not even the empty line), so an
     * empty answer is an answer here, not a cut-off one.
     */
    public String exchangeWhole(String command) {
        exchangeCheck(command);
        trace.accept("-> " + target + ": " + command);
        byte[] bytes = transfer((command + "\n").getBytes(StandardCharsets.UTF_8), new Sent());
        trace.accept("<- " + bytes.length + " bytes");
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void exchangeCheck(String command) {
        if (command.isEmpty() || command.chars().anyMatch(c -> c == ';' || c == '\n' || c == '\r' || c == 0)) {
            throw new IllegalArgumentException("refusing to send a command with a separator: " + command);
        }
    }

    /** Whether any byte of the command line has gone out: from then on a change may have happened. */
    private static final class Sent {
        boolean any;
    }

    private byte[] transfer(byte[] request, Sent sent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = open(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(target.address())) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, "connecting");
                channel.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                int written = channel.write(out);
                sent.any |= written > 0;
                if (written == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, "sending the command");
                }
            }
            // The master CLI keeps a connection open until the client has finished sending;
            // the admin socket does not mind either way.
            channel.shutdownOutput();
            Chunks answer = new Chunks();
            while (true) {
                int n = channel.read(answer.space());
                if (n < 0) {
                    return answer.bytes();
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, "reading the answer (" + answer.size
                            + " bytes so far)");
                    continue;
                }
                answer.size += n;
                if (answer.size > MAX_ANSWER_BYTES) {
                    throw new HapcException(ErrorKind.HAPROXY, "the answer at " + target + " goes on past "
                            + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB: is this an HAProxy CLI socket?");
                }
            }
        } catch (IOException e) {
            throw connectionFailure(e);
        }
    }

    /**
     * An answer as it arrives, in 64 KiB buffers joined once at the end: a growing array would
     * copy a 22 MB dump about twice over and leave the smaller arrays behind as garbage, which on
     * a 10,000-backend HAProxy the collector often has to promote rather than drop.
     */
    private static final class Chunks {
        private static final int CHUNK = 64 * 1024;
        private final List<ByteBuffer> buffers = new ArrayList<>();
        int size;

        /** A buffer with room to read into. */
        ByteBuffer space() {
            if (buffers.isEmpty() || !buffers.get(buffers.size() - 1).hasRemaining()) {
                buffers.add(ByteBuffer.allocate(CHUNK));
            }
            return buffers.get(buffers.size() - 1);
        }

        byte[] bytes() {
            byte[] all = new byte[size];
            int at = 0;
            for (ByteBuffer buffer : buffers) {
                System.arraycopy(buffer.array(), 0, all, at, buffer.position());
                at += buffer.position();
            }
            buffers.clear();
            return all;
        }
    }

    private SocketChannel open() throws IOException {
        if (!target.isUnix()) {
            return SocketChannel.open();
        }
        if (!Files.exists(target.unixPath())) {
            throw new HapcException(ErrorKind.SOCKET, "no HAProxy socket at " + target.unixPath()
                    + ": is HAProxy running, and is this the path of its 'stats socket' line?");
        }
        if (Files.isRegularFile(target.unixPath()) || Files.isDirectory(target.unixPath())) {
            throw new HapcException(ErrorKind.SOCKET, target.unixPath() + " is not a socket");
        }
        return SocketChannel.open(StandardProtocolFamily.UNIX);
    }

    private void await(Selector selector, SelectionKey key, int operation, long deadline, String doing)
            throws IOException {
        key.interestOps(operation);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HapcException(ErrorKind.TIMEOUT, "HAProxy at " + target + " did not finish answering within "
                        + seconds(timeout) + " s while " + doing + " (see --socket-timeout)");
            }
            selector.select(Math.max(1, left / 1_000_000));
            if (!selector.selectedKeys().isEmpty()) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    private HapcException connectionFailure(IOException e) {
        String reason = String.valueOf(e.getMessage());
        if (reason.contains("Permission denied") || e instanceof java.nio.file.AccessDeniedException) {
            return new HapcException(ErrorKind.PERMISSION, "permission denied on " + target
                    + ": run hapc as a user allowed to use it, e.g. give the socket 'mode 660 group haproxy' in the "
                    + "'stats socket' line and add the operator to that group", e);
        }
        if (reason.contains("Connection refused")) {
            return new HapcException(ErrorKind.SOCKET, "nothing listens on " + target
                    + " (connection refused): HAProxy is not running, or the socket file is stale", e);
        }
        return new HapcException(ErrorKind.SOCKET, "talking to HAProxy at " + target + " failed: " + reason, e);
    }

    /**
     * Each command's answer ends with an empty line; a missing one means the answer was cut. Split
     * on the bytes, each answer decoded on its own: the whole text of a 29 MB read-back is never
     * made a String next to its parts (a newline byte is never part of a UTF-8 sequence).
     */
    private List<Answer> split(List<String> commands, byte[] bytes) {
        List<Answer> answers = new ArrayList<>(commands.size());
        int start = 0;
        while (answers.size() < commands.size()) {
            int end = start < bytes.length && bytes[start] == '\n' ? start : emptyLine(bytes, start);
            if (end < 0) {
                // An old HAProxy may hang up right after "Unknown command": say that, not "cut off".
                answers.add(new Answer(commands.get(answers.size()), text(bytes, start, bytes.length)));
                for (Answer answer : answers) {
                    if (answer.isUnknownCommand()) {
                        throw RuntimeApi.refused(answer);
                    }
                }
                answers.remove(answers.size() - 1);
                throw new HapcException(ErrorKind.HAPROXY, "HAProxy's answer at " + target + " was cut off after "
                        + answers.size() + " of " + commands.size() + " commands (" + bytes.length + " bytes)");
            }
            answers.add(new Answer(commands.get(answers.size()), text(bytes, start, end)));
            start = end + (end == start ? 1 : 2);
        }
        return answers;
    }

    /**
     * Where the next "\n\n" starts, from {@code from}, or -1. Looks at every other byte: a pair
     * has its second byte at an odd or its first at an even step, and either way the byte looked
     * at is a newline (a 29 MB read-back is scanned in half the steps).
     */
    static int emptyLine(byte[] bytes, int from) {
        for (int i = Math.max(from, 0) + 1; i < bytes.length; i += 2) {
            if (bytes[i] == '\n') {
                if (bytes[i - 1] == '\n') {
                    return i - 1;
                }
                if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String text(byte[] bytes, int start, int end) {
        return start >= end ? "" : new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    static String seconds(Duration duration) {
        double s = duration.toNanos() / 1e9;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }
}
