package hapc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A unix socket that stands between hapc and a real HAProxy CLI (admin socket or master CLI):
 * it forwards every byte both ways unchanged and records each command line it receives, per
 * connection. What crossed the wire is then a fact the test can assert on ("nothing sent",
 * "sent once", "only reads"), independent of hapc's own trace or answer.
 *
 * <p>It can also break one exchange on purpose ({@link #cut}), the way a reload or a stuck
 * HAProxy does: the connection closed before or after HAProxy ran the line, or left silent.
 */
public final class RecordingRelay implements AutoCloseable {
    private final Path target;
    private final Path dir;
    private final Path path;
    private final ServerSocketChannel listener;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile CutRule rule;
    private final AtomicInteger cuts = new AtomicInteger();

    /** How {@link #cut} breaks an exchange. */
    public enum Cut {
        /** The line never reaches HAProxy; the client's connection is closed without an answer. */
        BEFORE_HAPROXY,
        /** HAProxy runs the line; its answer is dropped and the client's connection closed. */
        AFTER_HAPROXY,
        /** HAProxy runs the line; its answer is dropped and the client left waiting (its timeout). */
        SILENT
    }

    private record CutRule(Predicate<String> line, int nth, Cut how, AtomicInteger matched) {
    }

    /** One client connection: the lines received from the client, in order. */
    private static final class Connection {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
        /** How this connection's answer is broken (AFTER_HAPROXY, SILENT), or null to forward it. */
        volatile Cut answer;
    }

    private RecordingRelay(Path target) {
        this.target = target;
        try {
            dir = Files.createTempDirectory("hapc-relay-");
            path = dir.resolve("relay.sock");
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "relay-" + target.getFileName());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to the unix socket at {@code target}; close it when done (or get it from {@link LiveHaproxies#relay}). */
    public static RecordingRelay to(Path target) {
        return new RecordingRelay(target);
    }

    /** Where hapc connects instead of {@code target}. */
    public Path path() {
        return path;
    }

    /** The command lines received on each connection, in the order the connections came. */
    public List<List<String>> connections() {
        List<List<String>> all = new ArrayList<>();
        for (Connection connection : connections) {
            all.add(List.copyOf(connection.lines));
        }
        return all;
    }

    /**
     * Every command received, in order: each line split at its {@code ;} separators (hapc sends
     * several commands on one line), trimmed, with a master CLI {@code @!PID }/{@code @N } prefix
     * left on.
     */
    public List<String> commands() {
        List<String> commands = new ArrayList<>();
        for (List<String> lines : connections()) {
            for (String line : lines) {
                for (String command : line.split(";")) {
                    if (!command.isBlank()) {
                        commands.add(command.strip());
                    }
                }
            }
        }
        return commands;
    }

    /** The commands that can change HAProxy: all but {@code show ...}, {@code get ...} and {@code set severity-output}. */
    public List<String> changes() {
        return commands().stream().filter(c -> !isRead(c)).toList();
    }

    /** Whether a {@code show servers state} went out: the read every server action starts with. */
    public boolean readServersState() {
        return commands().stream().anyMatch(c -> c.startsWith("show servers state"));
    }

    /**
     * Whether a drain wait is polling: {@code write} went out, then at least two {@code show
     * servers state} (the write's read-back and the wait's first poll).
     */
    public boolean pollingAfter(String write) {
        List<String> sent = commands();
        int at = sent.indexOf(write);
        return at >= 0 && sent.subList(at, sent.size()).stream().filter(c -> c.startsWith("show servers state"))
                .count() >= 2;
    }

    /**
     * Breaks the {@code nth} connection (from 1, counted from this call) whose first line matches,
     * once; the others go through. The predicate sees the first line of every connection from now
     * on, in order, so it may keep state (say, "the first read after a write").
     */
    public void cut(int nth, Predicate<String> line, Cut how) {
        rule = new CutRule(line, nth, how, new AtomicInteger());
    }

    /** How many connections {@link #cut} broke so far. */
    public int cuts() {
        return cuts.get();
    }

    /** Forgets what was recorded so far (for a test that checks several calls one after another). */
    public void clear() {
        connections.clear();
    }

    static boolean isRead(String command) {
        String bare = command.replaceFirst("^@!?\\d*\\s+", "");
        return bare.startsWith("show ") || bare.equals("show") || bare.startsWith("get ")
                || bare.startsWith("set severity-output ");
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                Connection connection = new Connection();
                connection.channels.add(client);
                connections.add(connection);
                SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
                connection.channels.add(upstream);
                try {
                    upstream.connect(UnixDomainSocketAddress.of(target));
                } catch (IOException e) {
                    client.close();
                    upstream.close();
                    continue;
                }
                start("relay-up", () -> pumpUp(client, upstream, connection));
                start("relay-down", () -> pumpDown(upstream, client, connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Client to HAProxy: forwarded as it comes, recorded line by line. While a cut is armed, the
     * first line is held back until complete, so that it can be broken before HAProxy sees it.
     */
    private void pumpUp(SocketChannel client, SocketChannel upstream, Connection connection) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        boolean decided = rule == null;
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (client.read(buffer) >= 0) {
                buffer.flip();
                for (int i = buffer.position(); i < buffer.limit(); i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        connection.lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                if (!decided) {
                    held.write(buffer.array(), buffer.position(), buffer.remaining());
                    buffer.clear();
                    if (connection.lines.isEmpty()) {
                        continue;
                    }
                    decided = true;
                    Cut how = decide(connection.lines.get(0));
                    if (how == Cut.BEFORE_HAPROXY) {
                        client.close();
                        upstream.close();
                        return;
                    }
                    connection.answer = how;
                    buffer.put(held.toByteArray());
                    buffer.flip();
                }
                while (buffer.hasRemaining()) {
                    upstream.write(buffer);
                }
                buffer.clear();
            }
            upstream.shutdownOutput();
        } catch (IOException e) {
            // either side went away; the other pump closes what is left
        } finally {
            if (line.size() > 0) {
                connection.lines.add(line.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** The cut for a connection whose first line this is, or null to let it through. */
    private Cut decide(String firstLine) {
        CutRule armed = rule;
        if (armed == null || !armed.line().test(firstLine) || armed.matched().incrementAndGet() != armed.nth()) {
            return null;
        }
        rule = null;
        cuts.incrementAndGet();
        return armed.how();
    }

    /** HAProxy to client: forwarded unchanged (or dropped, for a cut); HAProxy closing closes the client. */
    private static void pumpDown(SocketChannel upstream, SocketChannel client, Connection connection) {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (upstream.read(buffer) >= 0) {
                buffer.flip();
                while (connection.answer == null && buffer.hasRemaining()) {
                    client.write(buffer);
                }
                buffer.clear();
            }
            if (connection.answer != Cut.SILENT) {
                client.close();
            }
            upstream.close();
        } catch (IOException e) {
            // the client went away first
            try {
                upstream.close();
                if (connection.answer != Cut.SILENT) {
                    client.close();
                }
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
            for (Connection connection : connections) {
                for (SocketChannel channel : connection.channels) {
                    channel.close();
                }
            }
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
