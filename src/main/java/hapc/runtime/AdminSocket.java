package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.ByteArrayOutputStream;
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
    /** One read's buffer: answers are split into lines as they come, never kept whole. */
    private static final int CHUNK = 64 * 1024;
    private long bytesRead;
    /** Whether any byte of the last exchange's line went out (see {@link #lastLineSent}). */
    private boolean lastSent;

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
        List<StringBuilder> texts = new ArrayList<>(commands.size());
        commands.forEach(command -> texts.add(new StringBuilder()));
        exchange(commands, changes, (command, line) -> {
            StringBuilder text = texts.get(command);
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(line);
        });
        List<Answer> answers = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            answers.add(new Answer(commands.get(i), texts.get(i).toString()));
        }
        return answers;
    }

    /** Takes an exchange's answers line by line, as they arrive. */
    @FunctionalInterface
    public interface AnswerLines {
        /** A line (without its newline) of the answer to the command at this index of the line sent. */
        void line(int command, String line);
    }

    /**
     * As {@link #exchange(List)}, handing each line of each answer to {@code lines} as soon as it
     * has arrived instead of keeping the answers: a reader that keeps only the rows it needs never
     * holds a 7 MB dump, neither as bytes nor as text.
     */
    public void exchange(List<String> commands, AnswerLines lines) {
        exchange(commands, false, lines);
    }

    /** {@link #exchange(List, AnswerLines)} for a line that changes HAProxy (see {@link #exchangeChange}). */
    public void exchangeChange(List<String> commands, AnswerLines lines) {
        exchange(commands, true, lines);
    }

    private void exchange(List<String> commands, boolean changes, AnswerLines lines) {
        commands.forEach(AdminSocket::exchangeCheck);
        String line = String.join("; ", commands);
        trace.accept("-> " + target + ": " + line);
        long started = System.nanoTime();
        Sent sent = new Sent();
        lastSent = false;
        try {
            AnswerSplitter splitter = new AnswerSplitter(commands.size(), lines);
            long bytes = transfer((line + "\n").getBytes(StandardCharsets.UTF_8), sent, splitter::feed);
            lastSent = true;
            splitter.end(commands, target, bytes);
            bytesRead += bytes;
            trace.accept("<- " + bytes + " bytes in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (HapcException e) {
            lastSent = sent.any;
            if (!changes || !sent.any) {
                throw e;
            }
            throw new HapcException(e.kind(), e.getMessage() + "; the change was sent (" + quoted(line, commands.size())
                    + ") and HAProxy may have applied it: check the server's state (hapc list-servers -d) before"
                    + " trying again", e.getCause() == null ? e : e.getCause(), e.partial());
        }
    }

    /**
     * Whether the last exchange's line (or part of it) went out, answered or not: a write that
     * never left cannot have been taken (nothing listens, connection refused), one that did may
     * have been.
     */
    public boolean lastLineSent() {
        return lastSent;
    }

    /** The line as sent, for a message: cut short when it is long (a write packs up to 15,000 bytes). */
    private static String quoted(String line, int commands) {
        return line.length() <= 300 ? "'" + line + "'"
                : "'" + line.substring(0, 200) + "...', " + commands + " commands, " + line.length() + " characters";
    }

    /** Bytes received from HAProxy by this socket's exchanges so far (what {@code -v} reports per call). */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Sends one command and returns everything HAProxy wrote, unsplit. For the master CLI's
     * {@code reload}, which up to 2.6 answers nothing at all (not even the empty line), so an
     * empty answer is an answer here, not a cut-off one.
     */
    public String exchangeWhole(String command) {
        exchangeCheck(command);
        trace.accept("-> " + target + ": " + command);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        long bytes = transfer((command + "\n").getBytes(StandardCharsets.UTF_8), new Sent(),
                (buffer, length) -> whole.write(buffer, 0, length));
        bytesRead += bytes;
        trace.accept("<- " + bytes + " bytes");
        return whole.toString(StandardCharsets.UTF_8);
    }

    private static void exchangeCheck(String command) {
        boolean separator = command.isEmpty();
        for (int i = 0; i < command.length() && !separator; i++) {
            char c = command.charAt(i);
            separator = c == ';' || c == '\n' || c == '\r' || c == 0;
        }
        if (separator) {
            throw new IllegalArgumentException("refusing to send a command with a separator: " + command);
        }
    }

    /** Whether any byte of the command line has gone out: from then on a change may have happened. */
    private static final class Sent {
        boolean any;
    }

    /** Takes the bytes of an answer as they arrive; the buffer is reused after the call. */
    @FunctionalInterface
    private interface Received {
        void bytes(byte[] buffer, int length);
    }

    /** Sends the request, hands every byte HAProxy writes back to {@code received}; returns how many. */
    private long transfer(byte[] request, Sent sent, Received received) {
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
            ByteBuffer in = ByteBuffer.allocate(CHUNK);
            long size = 0;
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    return size;
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, "reading the answer (" + size
                            + " bytes so far)");
                    continue;
                }
                size += n;
                if (size > MAX_ANSWER_BYTES) {
                    throw new HapcException(ErrorKind.HAPROXY, "the answer at " + target + " goes on past "
                            + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB: is this an HAProxy CLI socket?");
                }
                received.bytes(in.array(), in.position());
                in.clear();
            }
        } catch (IOException e) {
            throw connectionFailure(e);
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

    static String seconds(Duration duration) {
        double s = duration.toNanos() / 1e9;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }
}
