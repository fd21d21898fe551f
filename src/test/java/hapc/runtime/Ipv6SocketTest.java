package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ipv6@} sockets against a real HAProxy whose admin socket listens on {@code [::1]}.
 * Where the host has no IPv6 loopback the tests say so (a failed assumption with the reason),
 * never pass without having talked to HAProxy over IPv6.
 */
@Timeout(60)
class Ipv6SocketTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    /** A free port on ::1; binding it is also the proof that the host has IPv6 loopback. */
    private static int freeIpv6LoopbackPort() {
        InetAddress loopback;
        try {
            loopback = InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(loopback, 0));
            return probe.getLocalPort();
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback on this host (binding [::1]:0 failed: " + e.getMessage()
                    + "): the ipv6@ socket cannot be tested here");
            return -1;
        }
    }

    /** @param spelling how the config writes the address, %d standing for the port */
    private HaproxyProcess haproxy(String binary, String spelling, int port) {
        return live.start(binary, "    stats socket " + spelling.formatted(port) + " level admin\n", """
                backend web
                    server web-1 127.0.0.1:%1$d
                    server web-2 127.0.0.1:%1$d
                """.formatted(live.backend().port()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainAndEnableOverIpv6Loopback(String binary) throws Exception {
        int port = freeIpv6LoopbackPort();
        HaproxyProcess haproxy = haproxy(binary, "ipv6@[::1]:%d", port);
        assertTrue(listensOn(port), "HAProxy listens on [::1]:" + port);

        HapcRun drain = HapcRun.run("-k", "ipv6@[::1]:" + port, "drain-server", "-b", "web", "-s", "web-2");
        assertEquals(0, drain.exit(), drain.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "web-2"));
        assertEquals("ready", ServerStates.of(haproxy, "web", "web-1"));

        HapcRun list = HapcRun.run("-k", "ipv6@[::1]:" + port, "list-servers", "-b", "web", "-d");
        assertEquals(0, list.exit(), list.stdout());
        assertEquals("drain", list.json().at("/servers/1/admin_state").asText());

        HapcRun enable = HapcRun.run("-k", "ipv6@[::1]:" + port, "enable-server", "-b", "web", "-s", "web-2");
        assertEquals(0, enable.exit(), enable.stdout());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-2"));
    }

    /** HAProxy takes the IPv6 address with and without brackets and prefix; hapc must find each in the config. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theIpv6AdminSocketIsFoundInTheConfigInEverySpelling(String binary) throws Exception {
        for (String spelling : new String[] {"ipv6@[::1]:%d", "ipv6@::1:%d", "[::1]:%d", "::1:%d"}) {
            int port = freeIpv6LoopbackPort();
            HaproxyProcess haproxy = haproxy(binary, spelling, port);
            assertTrue(listensOn(port), spelling + ": HAProxy listens on [::1]:" + port);
            // The fixture's own unix admin socket comes first in the config: leave only the IPv6 one.
            String config = java.nio.file.Files.readString(haproxy.config())
                    .replaceAll("(?m)^\\s*stats socket \\S+/(admin|user)\\.sock.*\\n", "");
            java.nio.file.Path only = haproxy.dir().resolve("ipv6-only.cfg");
            java.nio.file.Files.writeString(only, config);

            HapcRun run = HapcRun.run("-c", only.toString(), "-v", "drain-server", "-b", "web", "-s", "web-1");
            assertEquals(0, run.exit(), spelling + ": " + run.stdout() + run.stderr());
            assertTrue(run.stderr().contains("admin socket from the config"), run.stderr());
            assertEquals("drain", ServerStates.of(haproxy, "web", "web-1"), spelling);
        }
    }

    private static boolean listensOn(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
