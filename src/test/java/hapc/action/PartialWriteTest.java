package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.AgentServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.RecordingRelay.Cut;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 1: a write over several exchanges. 80 backends with 200-character names, one
 * server each with an agent check: draining them all (agent pause + drain per target, ~460
 * bytes) takes three CLI lines. The recording relay breaks one exchange the way a reload or a
 * stuck HAProxy does; HAProxy's own state says what was taken.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartialWriteTest {
    private static final int BACKENDS = 80;
    private static final int AGENT_RUNS = 0x04;

    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private static String backend(int i) {
        return "b%03d-".formatted(i) + "x".repeat(200);
    }

    private HaproxyProcess haproxy(String binary) {
        AgentServer agent = live.agent("ready up 100%");
        StringBuilder proxies = new StringBuilder();
        for (int i = 0; i < BACKENDS; i++) {
            proxies.append("backend ").append(backend(i)).append('\n').append("    server s 127.0.0.1:")
                    .append(live.backend().port()).append(" agent-check agent-port ").append(agent.port())
                    .append(" agent-inter 30s\n");
        }
        return live.start(binary, proxies.toString());
    }

    /** The targets ("backend/s") of each write line that went to the relay, in order. */
    private static List<Set<String>> writeLines(RecordingRelay relay) {
        List<Set<String>> lines = new ArrayList<>();
        for (List<String> connection : relay.connections()) {
            for (String line : connection) {
                if (line.contains("set server ")) {
                    Set<String> targets = new LinkedHashSet<>();
                    for (String command : line.split(";")) {
                        String c = command.strip();
                        if (c.startsWith("set server ") || c.startsWith("disable agent ")) {
                            targets.add(c.split(" ")[2]);
                        }
                    }
                    lines.add(targets);
                }
            }
        }
        return lines;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aTargetsAgentPauseAndDrainGoOnTheSameLine(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-s", "s"));
        assertEquals(0, run.exit(), run.stdout());

        List<List<String>> writes = new ArrayList<>();
        for (List<String> connection : relay.connections()) {
            connection.stream().filter(l -> l.contains("set server ")).forEach(l -> writes.add(List.of(l.split(";"))
                    .stream().map(String::strip).toList()));
        }
        assertTrue(writes.size() >= 2, "the write takes several lines: " + writes.size());
        for (int i = 0; i < BACKENDS; i++) {
            String id = backend(i) + "/s";
            long lines = writes.stream().filter(line -> line.contains("disable agent " + id)
                    || line.contains("set server " + id + " state drain")).count();
            assertEquals(1, lines, id + "'s agent pause and drain went in " + lines + " lines");
            assertTrue(writes.stream().anyMatch(line -> line.contains("disable agent " + id)
                    && line.contains("set server " + id + " state drain")), id);
            assertEquals("drain", ServerStates.of(haproxy, backend(i), "s"));
            assertEquals(0, RawSocket.agentBits(haproxy.adminSocket(), backend(i), "s") & AGENT_RUNS, id);
        }
        for (JsonNode target : run.json().get("targets")) {
            assertEquals("applied", target.path("write").asText(), target.toString());
        }
    }

    static Stream<Arguments> cuts() {
        return HaproxyVersions.crossed(Stream.of(Arguments.of(Cut.BEFORE_HAPROXY), Arguments.of(Cut.AFTER_HAPROXY),
                Arguments.of(Cut.SILENT)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cuts")
    void theSecondExchangeBreaksAndTheAnswerSaysWhatBecameOfEachTarget(String binary, Cut cut) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        relay.cut(2, line -> line.contains("set server "), cut);

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "--socket-timeout", "2", "drain-server", "-s", "s"));
        assertEquals(1, relay.cuts(), "the relay broke the second write line");

        List<Set<String>> lines = writeLines(relay);
        assertEquals(2, lines.size(), "nothing is sent after the broken exchange: " + lines.size() + " write lines");
        Set<String> first = lines.get(0);
        Set<String> second = lines.get(1);
        assertFalse(first.isEmpty());
        assertFalse(second.isEmpty());
        boolean secondTaken = cut != Cut.BEFORE_HAPROXY;
        int notAttempted = 0;
        JsonNode targets = run.json().get("targets");
        assertNotNull(targets, "the answer lists the targets: " + run.stdout());
        assertEquals(BACKENDS, targets.size(), "every target is in the answer: " + run.stdout());
        for (int i = 0; i < BACKENDS; i++) {
            String id = backend(i) + "/s";
            JsonNode target = targets.get(i);
            assertEquals(backend(i), target.get("backend").asText());
            String state = ServerStates.of(haproxy, backend(i), "s");
            boolean paused = (RawSocket.agentBits(haproxy.adminSocket(), backend(i), "s") & AGENT_RUNS) == 0;
            if (first.contains(id)) {
                assertEquals("drain", state, id);
                assertTrue(paused, id);
                assertEquals("applied", target.get("write").asText(), target.toString());
                assertTrue(target.get("changed").asBoolean(), target.toString());
                assertFalse(target.get("failed").asBoolean(), target.toString());
            } else if (second.contains(id)) {
                // HAProxy's own state: taken when the line reached it, whatever hapc heard
                assertEquals(secondTaken ? "drain" : "ready", state, id);
                assertEquals(secondTaken, paused, id);
                assertEquals("failed", target.get("write").asText(), target.toString());
                assertTrue(target.get("failed").asBoolean(), target.toString());
                assertEquals(secondTaken, target.get("changed").asBoolean(), "the read-back shows it: " + target);
                assertEquals(state, target.at("/after/admin_state").asText(), "after is as read back: " + target);
            } else {
                notAttempted++;
                assertEquals("ready", state, id);
                assertFalse(paused, id);
                assertEquals("not_attempted", target.get("write").asText(), target.toString());
                assertTrue(target.get("failed").asBoolean(), target.toString());
                assertFalse(target.get("changed").asBoolean(), target.toString());
                assertTrue(relay.changes().stream().noneMatch(c -> c.contains(id)), id + " was never sent");
            }
        }
        assertTrue(notAttempted > 0, "a third line was left unsent");
        assertEquals(1, run.exit(), run.stdout());
        assertTrue(run.failed());
        assertTrue(run.changed(), run.stdout());
        assertEquals(cut == Cut.SILENT ? "timeout" : "haproxy", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("The write broke off in exchange 2 of 3"), run.msg());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aReadBackThatFailsAfterTheWriteWasTakenKeepsChanged(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server a 127.0.0.1:%d
                """.formatted(live.backend().port()));
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        AtomicBoolean written = new AtomicBoolean();
        // the first read after the write: the read-back, refused as by a reload in progress
        relay.cut(1, line -> {
            boolean readBack = written.get() && line.contains("show ");
            written.compareAndSet(false, line.contains("set server "));
            return readBack;
        }, Cut.BEFORE_HAPROXY);

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "web", "-s", "a"));
        assertEquals(1, relay.cuts(), "the read-back was broken");
        assertEquals(List.of("set server web/a state drain"), relay.changes(), "the drain went out once");
        assertEquals("drain", ServerStates.of(haproxy, "web", "a"), "HAProxy took it");
        assertEquals(1, run.exit(), run.stdout());
        assertTrue(run.failed());
        assertTrue(run.changed(), "the drain was taken: " + run.stdout());
        assertEquals("haproxy", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("Reading the targets back after the write failed"), run.msg());
        JsonNode target = run.json().get("targets").get(0);
        assertEquals("applied", target.get("write").asText(), target.toString());
        assertTrue(target.get("changed").asBoolean(), target.toString());
        assertFalse(target.get("failed").asBoolean(), target.toString());
        assertEquals("drain", run.json().at("/after/admin_state").asText(), run.stdout());
    }
    /**
     * drain-server --wait --on-timeout stop whose stop write loses its answer (HAProxy took it):
     * one JSON answer in drain-server's shape, the target's write failed and its after read back.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anEscalationWhoseStopBreaksOffKeepsTheAnswer(String binary) {
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.start(binary, db.section());
        db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        relay.cut(1, line -> line.contains("state maint"), Cut.AFTER_HAPROXY);

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "--wait",
                "-t", "1", "--on-timeout", "stop"));
        assertEquals(1, relay.cuts(), "the stop's write lost its answer");
        assertEquals("maint", ServerStates.of(haproxy, "db", "db1"), "HAProxy took the stop");
        assertEquals(1, relay.changes().stream().filter(c -> c.equals("set server db/db1 state maint")).count(),
                "sent once: " + relay.changes());
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("haproxy", run.errorKind(), run.stdout());
        assertTrue(run.changed(), run.stdout());
        assertEquals("drain-server", run.json().get("action").asText());
        JsonNode target = run.json().get("targets").get(0);
        assertEquals("failed", target.get("write").asText(), target.toString());
        assertEquals("maint", target.at("/after/admin_state").asText(), "read back: " + target);
        assertTrue(run.msg().contains("--on-timeout stop"), run.msg());
    }
    /** A ramp step whose exchange breaks off: one answer, the ramp's progress in it, the server enabled. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aRampStepThatBreaksOffKeepsTheAnswer(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server a 127.0.0.1:%d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/a state drain");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        // the enable carries step 0's weight; step 1 is the second line with a weight
        relay.cut(2, line -> line.contains("set weight "), Cut.BEFORE_HAPROXY);

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "enable-server", "-b", "web", "-s", "a",
                "--ramp", "3"));
        assertEquals(1, relay.cuts(), "step 1 was broken");
        assertEquals("ready", ServerStates.of(haproxy, "web", "a"), "the enable stands");
        int weight = RawSocket.weight(haproxy.adminSocket(), "web", "a")[0];
        assertTrue(weight > 0 && weight < 100, "left at step 0's weight: " + weight);
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("haproxy", run.errorKind(), run.stdout());
        assertTrue(run.changed(), run.stdout());
        assertEquals(1, run.json().at("/ramp/steps_done").asInt(), run.stdout());
        assertEquals(weight, run.json().at("/ramp/targets/0/weight").asInt(), run.stdout());
        assertTrue(run.msg().contains("step 1 of the ramp broke off"), run.msg());
    }
}
