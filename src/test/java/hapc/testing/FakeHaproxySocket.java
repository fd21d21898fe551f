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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A unix socket that plays a broken HAProxy: it accepts connections and answers the way a
 * {@link Behaviour} says (never, cut off, with old versions' texts, or by forwarding to a real
 * HAProxy and damaging the answer). Faults that a real HAProxy only shows on a bad day can so
 * be produced on demand.
 */
public final class FakeHaproxySocket implements AutoCloseable {
    /** What the fake does with one connection, given the command line hapc sent. */
    @FunctionalInterface
    public interface Behaviour {
        /**
         * @param connection 1 for the first connection, 2 for the second...
         * @return the bytes to send before closing, or null to send nothing and never close
         */
        byte[] answer(int connection, String line);
    }

    private final Path dir;
    private final Path path;
    private final ServerSocketChannel listener;
    private final Behaviour behaviour;
    /** When set, every connection gets these chunks, one after another, until hapc hangs up. */
    private final java.util.function.Supplier<byte[]> stream;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

    public FakeHaproxySocket(Behaviour behaviour) {
        this(behaviour, null);
    }

    private FakeHaproxySocket(Behaviour behaviour, java.util.function.Supplier<byte[]> stream) {
        this.behaviour = behaviour;
        this.stream = stream;
        try {
            dir = Files.createTempDirectory("hapc-fake-");
            path = dir.resolve("admin.sock");
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "fake-haproxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers every connection with the same text. */
    public static FakeHaproxySocket answering(String text) {
        return new FakeHaproxySocket((n, line) -> text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with the chunks the supplier gives, without end (it may sleep to trickle). */
    public static FakeHaproxySocket streaming(java.util.function.Supplier<byte[]> chunks) {
        return new FakeHaproxySocket((n, line) -> null, chunks);
    }

    /** Accepts, reads, and never answers nor closes: a hung HAProxy. */
    public static FakeHaproxySocket silent() {
        return new FakeHaproxySocket((n, line) -> null);
    }

    /**
     * Forwards each line to a real HAProxy and passes its answer through a damage function
     * (which sees the connection number and the real answer).
     */
    public static FakeHaproxySocket forwarding(Path real, Damage damage) {
        return new FakeHaproxySocket((n, line) -> damage.apply(n, RawSocket.ask(real, line).getBytes(
                StandardCharsets.UTF_8)));
    }

    /** Turns a real answer into the one the fake sends; null means: never answer. */
    @FunctionalInterface
    public interface Damage {
        byte[] apply(int connection, byte[] realAnswer);
    }

    public Path path() {
        return path;
    }

    public int connections() {
        return connections.get();
    }

    /** The command lines received, in order. */
    public List<String> lines() {
        return lines;
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel channel = listener.accept();
                int number = connections.incrementAndGet();
                Thread handler = new Thread(() -> serve(number, channel), "fake-haproxy-" + number);
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(int number, SocketChannel channel) {
        try {
            String line = readLine(channel);
            lines.add(line);
            if (stream != null) {
                while (listener.isOpen()) {
                    ByteBuffer chunk = ByteBuffer.wrap(stream.get());
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
                channel.close();
                return;
            }
            byte[] answer = behaviour.answer(number, line);
            if (answer == null) {
                held.add(channel);
                return;
            }
            channel.write(ByteBuffer.wrap(answer));
            channel.close();
        } catch (IOException | UncheckedIOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    /** Reads up to the first newline, as HAProxy does for a non-interactive connection. */
    private static String readLine(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (channel.read(one) > 0) {
            byte b = one.get(0);
            one.clear();
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            listener.close();
            for (SocketChannel channel : held) {
                channel.close();
            }
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
