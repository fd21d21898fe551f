package hapc.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent for HAProxy's agent-check on loopback: every connection gets one fixed line (say
 * "ready up 100%") and is closed, as a real agent does. It counts the checks it answered, so a
 * test can tell that HAProxy's agent really runs (or really stopped asking).
 */
public final class AgentServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicInteger answered = new AtomicInteger();
    private volatile String word;

    public AgentServer(String word) {
        this.word = word;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "agent-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Checks answered so far. */
    public int answered() {
        return answered.get();
    }

    /** What the next checks get (without the newline). */
    public void answer(String newWord) {
        this.word = newWord;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept(); OutputStream out = socket.getOutputStream()) {
                out.write((word + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answered.incrementAndGet();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
