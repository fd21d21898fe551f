package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 7: a server held out by something hapc cannot lift (a drain inherited from the
 * server it tracks, 0x10; DNS maintenance, 0x20) is not "already ready": enable-server fails
 * (exit 1) saying what holds it, sends nothing, and --wait does not wait to its deadline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeldOutTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void enableSaysWhatHoldsTheServerOutAndDoesNotWaitForIt(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server a 127.0.0.1:%1$d check inter 1s
                    server b 127.0.0.1:%1$d track web/a
                    server c unresolvable.invalid:80 init-addr none
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/a state drain");
        assertEquals(0x10, RawSocket.adminBits(haproxy.adminSocket(), "web", "b"), "b inherits a's drain");
        assertEquals(0x20, RawSocket.adminBits(haproxy.adminSocket(), "web", "c") & 0x20, "c in DNS maintenance");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String k = relay.path().toString();
        for (String server : List.of("b", "c")) {
            int bits = RawSocket.adminBits(haproxy.adminSocket(), "web", server);
            relay.clear();
            HapcRun check = HapcRun.run("-k", k, "enable-server", "-b", "web", "-s", server, "--check");
            assertEquals(0, check.exit(), check.stdout());
            assertTrue(check.json().get("warnings").toString().contains("cannot lift"), check.stdout());

            long started = System.nanoTime();
            HapcRun run = HapcRun.run("-k", k, "enable-server", "-b", "web", "-s", server, "--wait", "--timeout", "30");
            assertEquals(1, run.exit(), run.stdout());
            assertTrue((System.nanoTime() - started) / 1_000_000 < 15_000, "not waited to the deadline");
            assertTrue(run.msg().contains("cannot lift"), run.msg());
            assertTrue(run.msg().contains(server.equals("b") ? "tracks another server" : "DNS"), run.msg());
            assertEquals(List.of(), relay.changes(), "nothing sent");
            assertEquals(bits, RawSocket.adminBits(haproxy.adminSocket(), "web", server));
        }
    }
}
