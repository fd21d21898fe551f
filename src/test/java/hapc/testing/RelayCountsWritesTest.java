package hapc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The control for every "nothing sent" and "only reads in check mode" test: each kind of write
 * hapc sends ({@code set server}, {@code set weight}, {@code disable agent}, {@code enable agent},
 * {@code shutdown sessions}) is recorded by the relay as a change, once per time it is sent, and
 * has really reached HAProxy. Were the relay to miss a kind, or count it as a read, an empty
 * {@code changes()} elsewhere would prove nothing.
 */
class RelayCountsWritesTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void everyKindOfWriteHapcSendsIsCountedAsAChange(String binary) {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100 agent-check agent-port %2$d agent-inter 300ms
                    server app2 127.0.0.1:%1$d weight 100
                """.formatted(live.backend().port(), agent.port()));
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        run(haproxy, relay, "drain-server", "-b", "web", "-s", "app1");
        assertEquals(List.of("disable agent web/app1", "set server web/app1 state drain"), relay.changes());
        assertEquals("drain", ServerStates.of(haproxy, "web", "app1"), "it reached HAProxy");
        assertEquals(0, RawSocket.agentBits(haproxy.adminSocket(), "web", "app1") & 0x04, "agent paused");

        run(haproxy, relay, "enable-server", "-b", "web", "-s", "app1");
        assertEquals(List.of("set server web/app1 state ready", "enable agent web/app1"), relay.changes());
        assertTrue((RawSocket.agentBits(haproxy.adminSocket(), "web", "app1") & 0x04) != 0, "agent runs");

        run(haproxy, relay, "set-weight", "-b", "web", "-s", "app2", "--weight", "40");
        assertEquals(List.of("set weight web/app2 40"), relay.changes());
        assertEquals(40, RawSocket.weight(haproxy.adminSocket(), "web", "app2")[0]);

        run(haproxy, relay, "stop-server", "-b", "web", "-s", "app2");
        assertEquals(List.of("set server web/app2 state maint", "shutdown sessions server web/app2"), relay.changes());
        assertEquals("maint", ServerStates.of(haproxy, "web", "app2"));

        for (String write : List.of("set server web/app1 state drain", "set weight web/app1 1",
                "disable agent web/app1", "enable agent web/app1", "shutdown sessions server web/app1",
                "@!123 set weight web/app1 1", "@1 shutdown sessions server web/app1")) {
            assertFalse(RecordingRelay.isRead(write), write + " counts as a change");
        }
    }

    /** One hapc call through the relay, which holds only what it sent, and it succeeded. */
    private static void run(HaproxyProcess haproxy, RecordingRelay relay, String... args) {
        relay.clear();
        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, args));
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.changed(), run.stdout());
        assertTrue(relay.readServersState(), "it read through the relay too");
    }
}
