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
 * Issue 21, case 10: a share that HAProxy's rounding down makes 0 (50% of weight 1) is refused
 * with nothing sent (exit 2), for every target of the call; 0% still means 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShareRoundingTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aShareRoundedToZeroIsRefusedWithNothingSent(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server one 127.0.0.1:%1$d weight 1
                    server ten 127.0.0.1:%1$d weight 10
                """.formatted(live.backend().port()));
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String k = relay.path().toString();

        for (List<String> call : List.of(List.of("set-weight", "-b", "web", "-s", "one", "--weight", "50%"),
                List.of("set-weight", "-b", "web", "-s", "one", "-s", "ten", "--weight", "50%"))) {
            relay.clear();
            List<String> args = new java.util.ArrayList<>(List.of("-k", k));
            args.addAll(call);
            HapcRun run = HapcRun.run(args.toArray(new String[0]));
            assertEquals(2, run.exit(), run.stdout());
            assertEquals("invalid_request", run.errorKind());
            assertTrue(run.msg().contains("web/one"), run.msg());
            assertEquals(List.of(), relay.changes(), "nothing sent: " + call);
            assertEquals(1, RawSocket.weight(haproxy.adminSocket(), "web", "one")[0]);
            assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "web", "ten")[0]);
        }

        RawSocket.ask(haproxy.adminSocket(), "set server web/one state drain");
        relay.clear();
        HapcRun enable = HapcRun.run("-k", k, "enable-server", "-b", "web", "-s", "one", "--weight", "50%");
        assertEquals(2, enable.exit(), enable.stdout());
        assertEquals(List.of(), relay.changes());
        assertEquals("drain", ServerStates.of(haproxy, "web", "one"));

        HapcRun half = HapcRun.run("-k", k, "set-weight", "-b", "web", "-s", "ten", "--weight", "50%");
        assertEquals(0, half.exit(), half.stdout());
        assertEquals(5, RawSocket.weight(haproxy.adminSocket(), "web", "ten")[0]);
        HapcRun zero = HapcRun.run("-k", k, "set-weight", "-b", "web", "-s", "one", "--weight", "0%");
        assertEquals(0, zero.exit(), zero.stdout());
        assertEquals(0, RawSocket.weight(haproxy.adminSocket(), "web", "one")[0]);
    }
}
