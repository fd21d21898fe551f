package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 8: SIGINT or SIGTERM during drain-server --wait answers ONE JSON document
 * (kind interrupted, the drain done, the sessions left) with the signal's exit status (130,
 * 143), well before the deadline; the server stays drained in HAProxy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainInterruptTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aSignalDuringTheDrainWaitAnswersWithWhatWasDone(String binary) throws Exception {
        int tcpPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary, """
                listen db
                    mode tcp
                    bind 127.0.0.1:%2$d
                    server db1 127.0.0.1:%1$d
                """.formatted(live.backend().port(), tcpPort));
        haproxy.connect(tcpPort);
        haproxy.awaitSessions("db", "db1", 1);
        for (String[] signal : new String[][] {{"-INT", "130"}, {"-TERM", "143"}}) {
            long started = System.nanoTime();
            Process hapc = HapcProcess.start("-k", haproxy.adminSocket().toString(), "drain-server", "-b", "db",
                    "-s", "db1", "--wait", "--timeout", "60");
            try {
                assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                        () -> RawSocket.adminBits(haproxy.adminSocket(), "db", "db1") == 0x08), "the drain happened");
                Thread.sleep(1000);
                assertTrue(hapc.isAlive(), "waiting for the open session");
                new ProcessBuilder("kill", signal[0], String.valueOf(hapc.pid())).start().waitFor(5, TimeUnit.SECONDS);
                HapcProcess done = HapcProcess.finish(hapc, started, Duration.ofSeconds(20));
                assertEquals(Integer.parseInt(signal[1]), done.exit(), signal[0] + ": " + done.stdout());
                assertEquals("interrupted", done.errorKind(), done.stdout());
                assertTrue(done.millis() < 30_000, "answered at the signal, not the deadline");
                assertEquals(1, done.json().get("sessions_left").asInt(), done.stdout());
                assertEquals(true, done.json().get("waited").asBoolean(), done.stdout());
                assertTrue(done.msg().contains("stays drained"), done.msg());
                assertEquals("drain", ServerStates.of(haproxy, "db", "db1"));
            } finally {
                hapc.destroyForcibly();
            }
            RawSocket.ask(haproxy.adminSocket(), "set server db/db1 state ready");
        }
    }
}
