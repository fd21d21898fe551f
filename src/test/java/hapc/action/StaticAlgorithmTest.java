package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static algorithms (issue 21, case 2): HAProxy takes no weight but 0 and the configured one on
 * static-rr, first and map-based hashing. A ramp or an intermediate weight there is refused with
 * nothing sent (proven on the relay, the state read back from HAProxy); a plain enable works, and
 * consistent hashing ramps as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StaticAlgorithmTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, """
                backend srr
                    balance static-rr
                    server a 127.0.0.1:%1$d weight 10
                    server b 127.0.0.1:%1$d weight 10
                backend firsts
                    balance first
                    server a 127.0.0.1:%1$d weight 10
                backend hashed
                    balance source
                    server a 127.0.0.1:%1$d weight 10
                backend chash
                    balance source
                    hash-type consistent
                    server a 127.0.0.1:%1$d weight 10
                """.formatted(live.backend().port()));
    }

    private static HapcRun hapc(HaproxyProcess haproxy, RecordingRelay relay, String... rest) {
        String[] args = new String[rest.length + 4];
        args[0] = "-k";
        args[1] = relay.path().toString();
        args[2] = "-c";
        args[3] = haproxy.config().toString();
        System.arraycopy(rest, 0, args, 4, rest.length);
        return HapcRun.run(args);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void rampAndIntermediateWeightsAreRefusedBeforeAnythingIsSent(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        for (String backend : List.of("srr", "firsts", "hashed")) {
            RawSocket.ask(haproxy.adminSocket(), "set server " + backend + "/a state drain");
        }
        for (String backend : List.of("srr", "firsts", "hashed")) {
            relay.clear();
            HapcRun ramp = hapc(haproxy, relay, "enable-server", "-b", backend, "-s", "a", "--ramp", "3");
            assertEquals(2, ramp.exit(), ramp.stdout());
            assertEquals("invalid_request", ramp.errorKind());
            String algo = backend.equals("srr") ? "static-rr" : backend.equals("firsts") ? "first" : "source";
            assertTrue(ramp.msg().contains("balance " + algo), ramp.msg());
            assertEquals(List.of(), relay.changes(), "nothing sent for a refused ramp on " + backend);
            assertEquals("drain", ServerStates.of(haproxy, backend, "a"));
            assertEquals(10, RawSocket.weight(haproxy.adminSocket(), backend, "a")[0]);
        }
        for (String weight : List.of("5", "50%")) {
            relay.clear();
            HapcRun set = hapc(haproxy, relay, "set-weight", "-b", "srr", "-s", "b", "--weight", weight);
            assertEquals(2, set.exit(), set.stdout());
            assertTrue(set.msg().contains("static-rr"), set.msg());
            assertEquals(List.of(), relay.changes(), "nothing sent for weight " + weight);
            assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "srr", "b")[0]);
        }
        relay.clear();
        HapcRun enableWeight = hapc(haproxy, relay, "enable-server", "-b", "hashed", "-s", "a", "--weight", "3");
        assertEquals(2, enableWeight.exit(), enableWeight.stdout());
        assertEquals(List.of(), relay.changes());
        assertEquals("drain", ServerStates.of(haproxy, "hashed", "a"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void plainEnableZeroAndFullWeightStillWorkAndConsistentHashingRamps(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        RawSocket.ask(haproxy.adminSocket(), "set server srr/a state drain");
        HapcRun enable = hapc(haproxy, relay, "enable-server", "-b", "srr", "-s", "a");
        assertEquals(0, enable.exit(), enable.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "srr", "a"));

        HapcRun zero = hapc(haproxy, relay, "set-weight", "-b", "srr", "-s", "b", "--weight", "0");
        assertEquals(0, zero.exit(), zero.stdout());
        assertEquals(0, RawSocket.weight(haproxy.adminSocket(), "srr", "b")[0]);
        HapcRun full = hapc(haproxy, relay, "set-weight", "-b", "srr", "-s", "b", "--weight", "100%");
        assertEquals(0, full.exit(), full.stdout());
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "srr", "b")[0]);

        RawSocket.ask(haproxy.adminSocket(), "set server chash/a state drain");
        relay.clear();
        HapcRun ramp = hapc(haproxy, relay, "enable-server", "-b", "chash", "-s", "a", "--ramp", "1");
        assertEquals(0, ramp.exit(), ramp.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "chash", "a"));
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "chash", "a")[0]);
        assertTrue(relay.changes().stream().filter(c -> c.startsWith("set weight chash/a")).count() > 1,
                "consistent hashing takes the intermediate weights: " + relay.changes());
    }
}
