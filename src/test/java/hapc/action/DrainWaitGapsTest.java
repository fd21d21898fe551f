package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * drain-server --wait where the other tests do not look: --on-timeout stop with several targets
 * and in check mode, a wait without a master CLI, and an admin socket that stays unreachable
 * while the master lives (WaitWatch's 10 s reload limit). States and sessions are HAProxy's own;
 * what was sent is the relay's record.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DrainWaitGapsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private TcpListen db;

    private HaproxyProcess haproxy(String binary) {
        db = TcpListen.db(live.backend().port(), "db1", "db2", "db3");
        return live.start(binary, db.section());
    }

    /** drain-server db/db1 --wait with these arguments, in the background, returned once db1 is drained. */
    private static CompletableFuture<HapcRun> waitingDrain(HaproxyProcess haproxy, String... args) {
        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(() -> HapcRun.run(args));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> ServerStates.of(haproxy, "db", "db1").equals("drain")), "the drain happened");
        return drain;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void onTimeoutStopWithSeveralTargetsStopsOnlyThoseStillBusy(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        db.holdSession(haproxy, "db3");
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "-s", "db2",
                "-s", "db3", "--wait", "-t", "1", "--on-timeout", "stop"));
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.json().get("escalated").asBoolean(), run.stdout());
        assertTrue(run.json().get("sessions_killed").isBoolean() && run.json().get("sessions_killed").asBoolean(),
                run.stdout());
        assertEquals(2, run.json().get("sessions_killed_count").asInt(), run.stdout());
        assertEquals("maint", ServerStates.of(haproxy, "db", "db1"));
        assertEquals("drain", ServerStates.of(haproxy, "db", "db2"), "empty in time: stays drained");
        assertEquals("maint", ServerStates.of(haproxy, "db", "db3"));
        haproxy.awaitSessions("db", "db1", 0);
        haproxy.awaitSessions("db", "db3", 0);
        List<String> sent = relay.changes();
        assertEquals(List.of("set server db/db1 state drain", "set server db/db2 state drain",
                "set server db/db3 state drain"), sent.subList(0, 3), "the drains first: " + sent);
        assertEquals(List.of("set server db/db1 state maint", "set server db/db3 state maint",
                "shutdown sessions server db/db1", "shutdown sessions server db/db3"),
                sent.subList(3, sent.size()).stream().sorted().toList(), "then each busy one stopped once: " + sent);
        assertEquals("maint", run.json().at("/targets/0/after/admin_state").asText(), run.stdout());
        assertEquals("drain", run.json().at("/targets/1/after/admin_state").asText(), run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void onTimeoutStopInCheckModeSendsOnlyReadsAndDoesNotWait(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        long started = System.nanoTime();
        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "-s", "db2",
                "--wait", "-t", "3", "--on-timeout", "stop", "--check"));
        long took = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.changed(), run.stdout());
        assertFalse(run.json().path("escalated").asBoolean(false), run.stdout());
        assertTrue(took < 2500, "check mode does not wait the 3 s: " + took + " ms");
        assertTrue(relay.readServersState(), "read through the relay");
        assertEquals(List.of(), relay.changes(), "check mode sends only reads: " + relay.commands());
        assertEquals("ready", ServerStates.of(haproxy, "db", "db1"));
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"), "nothing killed");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aDrainWaitWithoutAMasterCliCountsTheWorkersSessions(String binary) throws Exception {
        assertFalse(Files.exists(Path.of(Context.DEFAULT_MASTER_SOCKET)), "no master CLI where hapc would look");
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> drain = waitingDrain(haproxy, "-k", relay.path().toString(),
                "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "20");
        Thread.sleep(500);
        assertFalse(drain.isDone(), "waits for the session the worker still has");
        client.close();
        HapcRun run = drain.get(15, TimeUnit.SECONDS);
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(0, run.json().get("sessions_left").asInt(), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 0.5, run.stdout());
        assertEquals(List.of("set server db/db1 state drain"), relay.changes(), "the drain once, then only reads");
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withoutAMasterCliAnUnreachableHaproxyFailsAfterAboutASecond(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> drain = waitingDrain(haproxy, "-k", relay.path().toString(),
                "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "30");
        Thread.sleep(300);
        long cut = System.nanoTime();
        relay.close();
        HapcRun run = drain.get(15, TimeUnit.SECONDS);
        long after = (System.nanoTime() - cut) / 1_000_000;
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("socket", run.errorKind(), run.stdout());
        // WaitWatch.BLIND_GRACE_MILLIS: a reload and a crash look alike without a master to look at.
        assertTrue(after >= 900 && after < 5000, "failed " + after + " ms after the socket went away");
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "it stays drained");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anAdminSocketUnreachableForTenSecondsWhileTheMasterLivesIsNoReload(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> drain = waitingDrain(haproxy,
                haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "60"));
        Thread.sleep(300);
        long cut = System.nanoTime();
        relay.close();
        Thread.sleep(5000);
        assertFalse(drain.isDone(), () -> "the master lives: a reload is allowed 10 s; " + drain.join().stdout());
        HapcRun run = drain.get(20, TimeUnit.SECONDS);
        long after = (System.nanoTime() - cut) / 1_000_000;
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("socket", run.errorKind(), run.stdout());
        // WaitWatch.RELOAD_LIMIT_MILLIS, then the next poll; well before the 60 s deadline.
        assertTrue(after >= 10_000 && after < 14_000, "failed " + after + " ms after the socket went away");
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "it stays drained");
    }
}
