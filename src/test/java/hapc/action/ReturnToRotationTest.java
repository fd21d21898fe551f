package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.HapcProcess;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The return to rotation against real HAProxy 2.6 and 3.0: enable-server --wait until HAProxy
 * says UP, --ramp, and drain-server --on-timeout stop. Every claim is checked on HAProxy's own
 * state (show stat status, get weight, srv_admin_state, scur) through the test's socket reader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReturnToRotationTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    /** hapc calls that run while the test watches HAProxy; their own threads, shut at the end. */
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final List<ServerSocket> listeners = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        background.shutdownNow();
        for (ServerSocket listener : listeners) {
            listener.close();
        }
    }

    private CompletableFuture<HapcRun> inBackground(String... args) {
        return CompletableFuture.supplyAsync(() -> HapcRun.run(args), background);
    }

    private static String status(HaproxyProcess haproxy, String backend, String server) {
        return RawSocket.stat(haproxy.adminSocket(), backend, server, "status");
    }

    private static int weight(HaproxyProcess haproxy, String backend, String server) {
        return RawSocket.weight(haproxy.adminSocket(), backend, server)[0];
    }

    /** A listener on loopback (accepting is not needed: a TCP check only connects), closed at the end. */
    private void listen(int port) throws IOException {
        listeners.add(new ServerSocket(port, 200, InetAddress.getLoopbackAddress()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void enableWaitReturnsOnceTheHealthCheckHasPassed(String binary) throws Exception {
        int appPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d check inter 200ms rise 2 fall 1
                """.formatted(appPort));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> status(haproxy, "web", "app1").startsWith("DOWN")), status(haproxy, "web", "app1"));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");

        CompletableFuture<HapcRun> call = inBackground(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1",
                "--wait", "-t", "30"));
        Thread.sleep(1000);
        assertFalse(call.isDone(), "returned while the check still failed: " + (call.isDone() ? call.get().stdout() : ""));
        assertEquals("ready", ServerStates.of(haproxy, "web", "app1"), "enabled before waiting");
        assertTrue(status(haproxy, "web", "app1").startsWith("DOWN"));

        listen(appPort);
        long listening = System.nanoTime();
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> status(haproxy, "web", "app1").equals("UP")));
        long upSeen = System.nanoTime();
        HapcRun run = call.get(20, TimeUnit.SECONDS);
        long returned = System.nanoTime();

        assertEquals(0, run.exit(), run.stdout());
        assertEquals("UP", status(haproxy, "web", "app1"), "HAProxy says UP when hapc returns");
        JsonNode health = run.json().at("/health/0");
        assertTrue(health.get("up").asBoolean(), run.stdout());
        assertTrue(health.get("checked").asBoolean(), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 1.0, "it waited for the check: " + run.stdout());
        // A poll every 100 ms: hapc sees UP about when the test does (bound, not a race: 2 shared cores).
        long lagMillis = (returned - upSeen) / 1_000_000;
        assertTrue(lagMillis < 1500, "returned " + lagMillis + " ms after the test saw UP");
        System.out.printf("enable --wait (%s): UP seen by the test %d ms after the port opened, hapc returned %d ms"
                + " after that%n", haproxy.version(), (upSeen - listening) / 1_000_000, lagMillis);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerWithoutCheckIsUpAtOnceAndTheAnswerSaysSo(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        HapcRun run = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--wait"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals("no check", status(haproxy, "web", "app1"));
        assertFalse(run.json().at("/health/0/checked").asBoolean(), run.stdout());
        assertTrue(run.msg().contains("no health check"), run.msg());
        assertTrue(run.json().get("waited_seconds").asDouble() < 5, run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aCheckThatNeverPassesEndsAtTheDeadlineWithTheServerLeftEnabled(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d check inter 200ms rise 2 fall 1
                """.formatted(Ports.free()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        long started = System.nanoTime();
        HapcRun run = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--wait", "-t", "1.5"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("timeout", run.errorKind());
        assertEquals("ready", ServerStates.of(haproxy, "web", "app1"), "left enabled");
        assertTrue(status(haproxy, "web", "app1").startsWith("DOWN"), status(haproxy, "web", "app1"));
        String check = RawSocket.stat(haproxy.adminSocket(), "web", "app1", "check_status");
        assertTrue(run.msg().contains(check), "the message gives the check status " + check + ": " + run.msg());
        assertFalse(run.json().at("/health/0/up").asBoolean(), run.stdout());
        assertTrue(millis >= 1500 && millis < 10_000, millis + " ms");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theRampClimbsInStepsAndEndsExactlyAtTheConfiguredWeight(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100
                    server app2 127.0.0.1:%1$d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> call = inBackground(haproxy.hapcArgsThrough(relay, "enable-server", "-b", "web",
                "-s", "app1", "--ramp", "3"));
        List<long[]> changes = new ArrayList<>();
        long started = System.nanoTime();
        int last = -1;
        while (!call.isDone() && System.nanoTime() - started < 20_000_000_000L) {
            int now = weight(haproxy, "web", "app1");
            if (now != last) {
                changes.add(new long[] {System.nanoTime(), now});
                last = now;
            }
            Thread.sleep(10);
        }
        HapcRun run = call.get(5, TimeUnit.SECONDS);
        assertEquals(0, run.exit(), run.stdout());
        int[] end = RawSocket.weight(haproxy.adminSocket(), "web", "app1");
        assertEquals(100, end[1]);
        assertEquals(end[1], end[0], "ends exactly at the configured weight (srv_iweight)");
        assertEquals("100", RawSocket.serverState(haproxy.adminSocket(), "web", "app1", "srv_iweight"));
        assertEquals(100, run.json().at("/after/weight").asInt());
        assertTrue(run.json().at("/ramp/completed").asBoolean());
        assertEquals(100, weight(haproxy, "web", "app2"), "the neighbour is untouched");

        List<Integer> seen = changes.stream().map(c -> (int) c[1]).toList();
        assertTrue(seen.stream().anyMatch(w -> w > 0 && w < 100), "a weight strictly between the ends: " + seen);
        assertTrue(seen.stream().filter(w -> w > 0 && w < 100).count() >= 2, "at least two steps midway: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1) || i == 1, "climbs: " + seen);
        }
        List<Long> intervals = new ArrayList<>();
        for (int i = 2; i < changes.size(); i++) {
            intervals.add((changes.get(i)[0] - changes.get(i - 1)[0]) / 1_000_000);
        }
        // At least one step a second: 1 s apart by plan, bounded loosely on 2 shared cores.
        intervals.forEach(ms -> assertTrue(ms < 1600, "steps " + intervals + " ms apart"));

        // On the wire: the first weight before the enable, then one set weight per step, climbing
        // to 100, each sent once, and the state written once.
        List<String> sent = relay.changes();
        assertEquals(1, sent.stream().filter(c -> c.startsWith("set server web/app1 state")).count(), "" + sent);
        assertTrue(sent.get(0).startsWith("set weight web/app1 ") && sent.get(1).equals("set server web/app1 state ready"),
                "the first step's weight before the enable: " + sent);
        List<Integer> steps = sent.stream().filter(c -> c.startsWith("set weight web/app1 "))
                .map(c -> Integer.parseInt(c.substring("set weight web/app1 ".length()))).toList();
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i) > steps.get(i - 1), "one write per step, climbing: " + steps);
        }
        assertEquals(100, steps.get(steps.size() - 1), "the last write is the configured weight: " + steps);
        assertEquals(run.json().at("/ramp/steps_done").asInt(), steps.size(), "one write per step: " + sent);
        assertTrue(sent.stream().allMatch(c -> c.contains("web/app1")), "nothing else written: " + sent);
        System.out.printf("ramp 3 s (%s): weights %s, %s ms apart%n", haproxy.version(), seen, intervals);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withWaitTheRampHoldsTheFirstStepUntilTheServerIsUp(String binary) throws Exception {
        int appPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d weight 100 check inter 200ms rise 2 fall 1
                """.formatted(appPort));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> status(haproxy, "web", "app1").startsWith("DOWN")));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        CompletableFuture<HapcRun> call = inBackground(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1",
                "--wait", "--ramp", "2", "-t", "30"));
        Thread.sleep(2500);
        // Longer than the whole ramp, yet the server is down: it sits at the first step (a third).
        assertFalse(call.isDone());
        assertEquals("ready", ServerStates.of(haproxy, "web", "app1"));
        assertEquals(33, weight(haproxy, "web", "app1"), "entered rotation at the first step, not at 100");
        listen(appPort);
        HapcRun run = call.get(20, TimeUnit.SECONDS);
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(100, weight(haproxy, "web", "app1"));
        assertTrue(run.json().at("/health/0/up").asBoolean());
        assertEquals(3, run.json().at("/ramp/steps_done").asInt(), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 1.5, "waited for the check: " + run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeReportsTheRampPlanAndChangesNothing(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        String before = RawSocket.serversState(haproxy.adminSocket());
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        long started = System.nanoTime();
        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "enable-server", "-b", "web", "-s", "app1", "--ramp",
                "3", "--wait", "--check"));
        assertEquals(0, run.exit(), run.stdout());
        assertFalse(relay.commands().isEmpty(), "check mode reads");
        assertEquals(List.of(), relay.changes(), "check mode sends no write");
        assertTrue((System.nanoTime() - started) / 1_000_000 < 2500, "check mode does not wait or ramp");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
        assertTrue(run.changed());
        assertEquals(4, run.json().at("/ramp/steps").size(), run.stdout());
        assertEquals(25, run.json().at("/after/weight").asInt(), "the first step's weight: " + run.stdout());
        assertEquals(100, run.json().at("/ramp/targets/0/to_weight").asInt());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aDeadlineMidRampLeavesTheServerEnabledAtItsLastWeightAndSaysSo(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        HapcRun run = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--ramp", "10", "-t",
                "2.5"));
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("timeout", run.errorKind());
        assertEquals("ready", ServerStates.of(haproxy, "web", "app1"));
        int now = weight(haproxy, "web", "app1");
        assertTrue(now > 0 && now < 100, "stopped midway: " + now);
        assertEquals(now, run.json().at("/after/weight").asInt(), "after says the weight HAProxy has");
        assertFalse(run.json().at("/ramp/completed").asBoolean());
        assertTrue(run.json().get("warnings").toString().contains("left at weight " + now + " of 100"),
                run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void ctrlCDuringTheRampAnswersWithTheWeightItLeft(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        long started = System.nanoTime();
        Process hapc = HapcProcess.start(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--ramp", "20"));
        try {
            // A drained server keeps its weight (100): wait for the ramp's own steps, a few of them.
            assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(30), () -> {
                int w = weight(haproxy, "web", "app1");
                return w >= 15 && w < 100;
            }), "the ramp got going");
            new ProcessBuilder("kill", "-INT", String.valueOf(hapc.pid())).start().waitFor(5, TimeUnit.SECONDS);
            HapcProcess done = HapcProcess.finish(hapc, started, Duration.ofSeconds(20));
            assertEquals("interrupted", done.errorKind(), done.stdout());
            assertEquals(130, done.exit(), "the signal's status");
            assertEquals("ready", ServerStates.of(haproxy, "web", "app1"));
            int now = weight(haproxy, "web", "app1");
            assertTrue(now > 0 && now < 100, "left midway: " + now);
            assertEquals(now, done.json().at("/after/weight").asInt(), done.stdout());
            assertTrue(done.json().get("warnings").toString().contains("left at weight " + now), done.stdout());
            Thread.sleep(1500);
            assertEquals(now, weight(haproxy, "web", "app1"), "nothing more is sent after the answer");
        } finally {
            hapc.destroyForcibly();
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void onTimeoutStopKillsWhatIsLeftAndSucceeds(String binary) {
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.start(binary, db.section());
        db.holdSession(haproxy, "db1");

        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "--wait",
                "-t", "1", "--on-timeout", "stop"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(List.of("set server db/db1 state drain", "set server db/db1 state maint",
                "shutdown sessions server db/db1"), relay.changes(), "drained, then stopped once with its sessions killed");
        assertTrue(run.json().get("escalated").asBoolean(), run.stdout());
        assertTrue(run.json().get("sessions_killed").asBoolean(), run.stdout());
        assertEquals(1, run.json().get("sessions_killed_count").asInt(), run.stdout());
        haproxy.awaitSessions("db", "db1", 0);
        assertEquals("maint", ServerStates.of(haproxy, "db", "db1"));
        assertEquals("maint", run.json().at("/after/admin_state").asText(), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 1.0);

        // The default stays a failure that leaves the server drained.
        RawSocket.ask(haproxy.adminSocket(), "set server db/db1 state ready");
        db.holdSession(haproxy, "db1");
        HapcRun fail = HapcRun.run(haproxy.hapcArgs("drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "0.5"));
        assertEquals(1, fail.exit(), fail.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"));
        assertNotNull(fail.json().get("sessions_left"));
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"));
    }
}
