package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --min-up against a real HAProxy whose backend has servers that are not up for reasons other
 * than their admin state: DOWN by their health check, at weight 0. They must not count as up
 * and in rotation, so taking out a server the count needs is refused with nothing sent.
 */
class MinUpTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void serversDownByTheirCheckOrAtWeightZeroDoNotCountAsUp(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server a1 127.0.0.1:%1$d
                    server a2 127.0.0.1:%1$d
                    server down 127.0.0.1:%2$d check inter 200ms fall 1 rise 1
                    server zero 127.0.0.1:%1$d weight 0
                """.formatted(live.backend().port(), Ports.free()));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> RawSocket.stat(haproxy.adminSocket(), "web", "down", "status").startsWith("DOWN")),
                "the check took 'down' out: " + RawSocket.stat(haproxy.adminSocket(), "web", "down", "status"));
        assertEquals(0, RawSocket.weight(haproxy.adminSocket(), "web", "zero")[0]);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String before = RawSocket.serversState(haproxy.adminSocket());

        // Four servers ready, two up and in rotation: draining a1 leaves one.
        HapcRun refused = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "web", "-s", "a1",
                "--min-up", "2"));
        assertEquals(1, refused.exit(), refused.stdout());
        assertEquals("capacity", refused.errorKind(), refused.stdout());
        assertEquals(2, refused.json().at("/capacity/0/up_before").asInt(), refused.stdout());
        assertEquals(1, refused.json().at("/capacity/0/up_after").asInt(), refused.stdout());
        assertTrue(relay.readServersState(), "it read through the relay");
        assertEquals(List.of(), relay.changes(), "refused: nothing sent");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));

        // Taking out the servers that are not up takes nothing out of rotation: no backend judged.
        relay.clear();
        HapcRun notUp = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "web", "-s", "down",
                "-s", "zero", "--min-up", "2"));
        assertEquals(0, notUp.exit(), notUp.stdout());
        assertEquals(List.of("set server web/down state drain", "set server web/zero state drain"), relay.changes());
        assertEquals("drain", ServerStates.of(haproxy, "web", "down"));

        relay.clear();
        HapcRun allowed = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "web", "-s", "a1",
                "--min-up", "1"));
        assertEquals(0, allowed.exit(), allowed.stdout());
        assertEquals(1, allowed.json().at("/capacity/0/up_after").asInt(), allowed.stdout());
        assertEquals(List.of("set server web/a1 state drain"), relay.changes());
        assertEquals("drain", ServerStates.of(haproxy, "web", "a1"));
    }
}
