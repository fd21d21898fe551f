package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.AgentServer;
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
 * A server with an agent check: an agent answering "ready" clears a drain or maint set through
 * the CLI at its next interval (haproxy-facts). drain-server and stop-server must pause it so
 * the state sticks, enable-server must resume it, --keep-agent leaves it alone (and warns).
 * Everything is checked on HAProxy's own {@code show servers state}: srv_admin_state and
 * srv_agent_state (0x04 = the agent runs).
 */
class AgentCheckTest {
    private static final int AGENT_RUNS = 0x04;

    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    /** In front of the admin socket of the HAProxy under test: what each hapc call sent. */
    private RecordingRelay relay;

    private HaproxyProcess haproxy(String binary, AgentServer agent) {
        HaproxyProcess haproxy = live.start(binary, """
                listen web
                    mode tcp
                    bind 127.0.0.1:%1$d
                    server s1 127.0.0.1:%2$d agent-check agent-port %3$d agent-inter 300ms
                    server s2 127.0.0.1:%2$d
                """.formatted(Ports.free(), live.backend().port(), agent.port()));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> agent.answered() >= 1),
                "HAProxy asks the agent");
        assertTrue((agentBits(haproxy) & AGENT_RUNS) != 0, "the agent runs: " + agentBits(haproxy));
        relay = live.relay(haproxy.adminSocket());
        return haproxy;
    }

    private static int agentBits(HaproxyProcess haproxy) {
        return RawSocket.agentBits(haproxy.adminSocket(), "web", "s1");
    }

    /** One hapc call through the relay, which then holds what this call (only) sent. */
    private HapcRun hapc(HaproxyProcess haproxy, String... args) {
        relay.clear();
        return HapcRun.run(haproxy.hapcArgsThrough(relay, args));
    }

    /** The server's state, as HAProxy says, stays this for 1.5 s: five agent intervals. */
    private static void staysFor1500Ms(HaproxyProcess haproxy, String state) throws InterruptedException {
        long end = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end) {
            assertEquals(state, ServerStates.of(haproxy, "web", "s1"), "the agent undid the state");
            assertEquals(0, agentBits(haproxy) & AGENT_RUNS, "the agent stays paused");
            Thread.sleep(100);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainAndStopStickWhileTheAgentSaysReadyAndEnableResumesIt(String binary) throws Exception {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = haproxy(binary, agent);

        HapcRun drain = hapc(haproxy, "drain-server", "-b", "web", "-s", "s1");
        assertEquals(0, drain.exit(), drain.stdout());
        assertTrue(drain.changed());
        assertEquals("running", drain.json().at("/before/agent").asText());
        assertEquals("paused", drain.json().at("/after/agent").asText());
        assertEquals("paused", drain.json().at("/diff/after/agent").asText());
        assertEquals(List.of("disable agent web/s1", "set server web/s1 state drain"), relay.changes(),
                "the agent is paused before the state is written");
        staysFor1500Ms(haproxy, "drain");

        // Idempotent: drained with a paused agent, a second drain sends nothing.
        String before = RawSocket.serversState(haproxy.adminSocket());
        HapcRun again = hapc(haproxy, "drain-server", "-b", "web", "-s", "s1");
        assertEquals(0, again.exit(), again.stdout());
        assertFalse(again.changed(), again.stdout());
        assertEquals(List.of(), relay.changes(), "a second drain sends nothing");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));

        HapcRun stop = hapc(haproxy, "stop-server", "-b", "web", "-s", "s1");
        assertEquals(0, stop.exit(), stop.stdout());
        assertTrue(stop.changed());
        staysFor1500Ms(haproxy, "maint");

        HapcRun enable = hapc(haproxy, "enable-server", "-b", "web", "-s", "s1");
        assertEquals(0, enable.exit(), enable.stdout());
        assertEquals("running", enable.json().at("/after/agent").asText());
        assertEquals(List.of("set server web/s1 state ready", "enable agent web/s1"), relay.changes(),
                "ready first, then the agent resumes");
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        assertTrue((agentBits(haproxy) & AGENT_RUNS) != 0, "the agent runs again: " + agentBits(haproxy));
        int asked = agent.answered();
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(5), () -> agent.answered() > asked),
                "HAProxy asks the agent again");
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void keepAgentLeavesItRunningAndWarnsAndTheAgentUndoesTheDrain(String binary) {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = haproxy(binary, agent);

        HapcRun drain = hapc(haproxy, "drain-server", "-b", "web", "-s", "s1", "--keep-agent");
        assertEquals(0, drain.exit(), drain.stdout());
        assertEquals("running", drain.json().at("/after/agent").asText());
        assertEquals(List.of("set server web/s1 state drain"), relay.changes(), "the agent is left alone");
        String warnings = drain.json().path("warnings").toString();
        assertTrue(warnings.contains("web/s1") && warnings.contains("may undo"), drain.stdout());
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(3),
                () -> ServerStates.of(haproxy, "web", "s1").equals("ready")), "the agent undoes the drain");
        assertTrue((agentBits(haproxy) & AGENT_RUNS) != 0);

        // Same JSON field; no warning where no agent runs.
        HapcRun other = HapcRun.runWithInput("""
                {"action": "drain-server", "backend": "web", "server": "s2", "keep_agent": true, "socket": "%s"}
                """.formatted(haproxy.adminSocket()), "--json-in", "-");
        assertEquals(0, other.exit(), other.stdout());
        assertTrue(other.json().path("warnings").isMissingNode(), other.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeSaysTheAgentWouldBePausedAndSendsNothing(String binary) {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = haproxy(binary, agent);
        String before = RawSocket.serversState(haproxy.adminSocket());

        for (String action : List.of("drain-server", "stop-server")) {
            HapcRun check = hapc(haproxy, action, "-b", "web", "-s", "s1", "--check");
            assertEquals(0, check.exit(), check.stdout());
            assertTrue(check.changed());
            assertEquals("paused", check.json().at("/after/agent").asText(), check.stdout());
            assertEquals("paused", check.json().at("/diff/after/agent").asText());
            assertEquals(List.of(), relay.changes(), "check mode sends nothing");
        }
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), "nothing changed");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anAgentSayingDrainIsPausedByDrainAndHasItsSayAfterEnable(String binary) throws Exception {
        AgentServer agent = live.agent("drain");
        HaproxyProcess haproxy = haproxy(binary, agent);
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(5),
                () -> ServerStates.of(haproxy, "web", "s1").equals("drain")), "the agent drained it");

        // Already drained (by the agent): only the pause is sent, and it is a change.
        HapcRun drain = hapc(haproxy, "drain-server", "-b", "web", "-s", "s1");
        assertEquals(0, drain.exit(), drain.stdout());
        assertTrue(drain.changed(), drain.stdout());
        assertEquals("drain", drain.json().at("/before/admin_state").asText());
        assertEquals("paused", drain.json().at("/diff/after/agent").asText(), drain.stdout());
        assertFalse(drain.json().at("/diff/after").has("admin_state"), drain.stdout());
        assertTrue(drain.msg().contains("agent check was paused"), drain.msg());
        assertEquals(List.of("disable agent web/s1"), relay.changes(), "only the pause is sent, no state");
        staysFor1500Ms(haproxy, "drain");

        // The agent's word is "drain": once enabled and resumed, it drains the server again. That
        // is the agent's call; hapc's enable itself was done and read back ready.
        HapcRun enable = hapc(haproxy, "enable-server", "-b", "web", "-s", "s1");
        assertEquals(0, enable.exit(), enable.stdout());
        assertEquals("running", enable.json().at("/after/agent").asText());
        assertTrue((agentBits(haproxy) & AGENT_RUNS) != 0);
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(3),
                () -> ServerStates.of(haproxy, "web", "s1").equals("drain")), "the agent drains it again");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void severalTargetsSayWhichOnlyHadTheirAgentPaused(String binary) throws Exception {
        AgentServer agent = live.agent("drain");
        HaproxyProcess haproxy = haproxy(binary, agent);
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(5),
                () -> ServerStates.of(haproxy, "web", "s1").equals("drain")), "the agent drained it");

        HapcRun drain = hapc(haproxy, "drain-server", "-b", "web", "-s", "s1", "-s", "s2");
        assertEquals(0, drain.exit(), drain.stdout());
        assertTrue(drain.msg().contains("already drain, agent check paused: s1 in web"), drain.msg());
        assertTrue(drain.msg().contains("drained: s2 in web"), drain.msg());
        assertEquals("paused", drain.json().at("/targets/0/after/agent").asText(), drain.stdout());
        assertEquals("none", drain.json().at("/targets/1/after/agent").asText(), drain.stdout());
        assertEquals(0, agentBits(haproxy) & AGENT_RUNS);
        assertEquals("drain", ServerStates.of(haproxy, "web", "s2"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerWithoutAgentGetsNothingExtra(String binary) {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = haproxy(binary, agent);
        int s2Agent = RawSocket.agentBits(haproxy.adminSocket(), "web", "s2");
        assertEquals(0, s2Agent & 0x02, "s2 has no agent configured");

        for (String action : List.of("drain-server", "stop-server", "enable-server")) {
            HapcRun run = hapc(haproxy, action, "-b", "web", "-s", "s2");
            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.changed(), run.stdout());
            assertEquals("none", run.json().at("/after/agent").asText());
            assertFalse(relay.changes().isEmpty(), action + " wrote its state");
            assertTrue(relay.changes().stream().noneMatch(c -> c.contains("agent")), "nothing about an agent sent: "
                    + relay.changes());
            assertFalse(run.json().has("warnings"), run.stdout());
        }
        assertEquals(s2Agent, RawSocket.agentBits(haproxy.adminSocket(), "web", "s2"));
        assertEquals("ready", ServerStates.of(haproxy, "web", "s2"));
    }

    /**
     * Issue 19: hapc's own reload without a server-state file gives a drain and a maint back with
     * their agents paused again in the new worker (which starts them running, from the config),
     * verified after an agent interval; the agent answering "ready" every 300 ms then cannot undo
     * them. Checked on the new worker's own show servers state.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void hapcsOwnReloadGivesDrainsBackWithTheirAgentsPaused(String binary) throws Exception {
        AgentServer agent = live.agent("ready up 100%");
        HaproxyProcess haproxy = live.start(binary, """
                listen web
                    mode tcp
                    bind 127.0.0.1:%1$d
                    server s1 127.0.0.1:%2$d agent-check agent-port %3$d agent-inter 300ms
                    server s2 127.0.0.1:%2$d agent-check agent-port %3$d agent-inter 300ms
                """.formatted(Ports.free(), live.backend().port(), agent.port()));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> agent.answered() >= 2), "agents asked");
        relay = live.relay(haproxy.adminSocket());
        assertEquals(0, hapc(haproxy, "drain-server", "-b", "web", "-s", "s1").exit());
        assertEquals(0, hapc(haproxy, "stop-server", "-b", "web", "-s", "s2").exit());
        int oldWorker = hapc.testing.Procs.adminPid(haproxy.adminSocket());

        HapcRun reload = HapcRun.run("reload-haproxy", "-c", haproxy.config().toString(), "--master-socket",
                haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary());
        assertEquals(0, reload.exit(), reload.stdout());
        assertNotEquals(oldWorker, hapc.testing.Procs.adminPid(haproxy.adminSocket()), "a new worker took over");
        assertEquals("paused", reload.json().at("/states_restored/0/agent").asText(), reload.stdout());
        // the answer came after at least one agent interval, and what it claims holds on
        staysFor1500Ms(haproxy, "drain");
        assertEquals("maint", ServerStates.of(haproxy, "web", "s2"));
        assertEquals(0, RawSocket.agentBits(haproxy.adminSocket(), "web", "s2") & AGENT_RUNS, "s2's agent paused");
    }
}
