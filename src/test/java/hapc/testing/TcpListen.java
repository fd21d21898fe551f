package hapc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A TCP {@code listen} section on a free loopback port whose servers all forward to one backend
 * port, and client sessions held open on one of its servers: what a drain that waits for
 * sessions to end needs (a TCP session stays on its server until the client closes it).
 *
 * <pre>{@code
 * TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
 * HaproxyProcess haproxy = live.start(binary, db.section());
 * db.holdSession(haproxy, "db1");
 * }</pre>
 */
public record TcpListen(String name, int port, int serverPort, List<String> servers) {
    /** {@code listen db} with these servers (db1 when none is named), on a free port. */
    public static TcpListen db(int serverPort, String... servers) {
        return new TcpListen("db", Ports.free(), serverPort, servers.length == 0 ? List.of("db1") : List.of(servers));
    }

    /** The section, to append to a test's proxies. */
    public String section() {
        return section("");
    }

    /** @param extraLines lines added before the servers (indented by the caller, ending in a newline) */
    public String section(String extraLines) {
        StringBuilder text = new StringBuilder("listen " + name + "\n    mode tcp\n    bind 127.0.0.1:" + port + "\n");
        text.append(extraLines);
        for (String server : servers) {
            text.append("    server ").append(server).append(" 127.0.0.1:").append(serverPort).append('\n');
        }
        return text.toString();
    }

    /**
     * Opens one client session, held until the test closes it or teardown, and waits (bounded)
     * until HAProxy counts it on {@code server}. The other servers are in maint while it connects
     * (so the balancer has one choice) and ready again after.
     */
    public Socket holdSession(HaproxyProcess haproxy, String server) {
        List<String> others = servers.stream().filter(s -> !s.equals(server)).toList();
        others.forEach(o -> RawSocket.ask(haproxy.adminSocket(), "set server " + name + "/" + o + " state maint"));
        int before = RawSocket.sessions(haproxy.adminSocket(), name, server);
        Socket client = haproxy.connect(port);
        try {
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        haproxy.awaitSessions(name, server, before + 1);
        others.forEach(o -> RawSocket.ask(haproxy.adminSocket(), "set server " + name + "/" + o + " state ready"));
        return client;
    }
}
