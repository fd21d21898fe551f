package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.FakeHaproxySocket;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 9: a master CLI whose {@code show proc} says the master is pid 1, as in a
 * container (HAProxy in its own pid namespace). Pid 1 on this host is init, always alive: taken
 * for HAProxy's master, a crashed HAProxy was waited on for the 10 s allowed to a reload. Now such
 * a pid is not trusted and an unreachable HAProxy fails after the blind grace (about 1 s).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MasterInContainerTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    /** drain-server db/db1 --wait with these arguments, in the background, returned once db1 is drained and polled. */
    private static CompletableFuture<HapcRun> waitingDrain(HaproxyProcess haproxy, String... args) throws Exception {
        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(() -> HapcRun.run(args));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> ServerStates.of(haproxy, "db", "db1").equals("drain")), "the drain happened");
        Thread.sleep(300);
        assertFalse(drain.isDone(), "waiting for the session");
        return drain;
    }

    /** A master CLI answering as the real one, except that show proc gives the master pid 1. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aShowProcSayingMasterPid1IsNotTheHostsInit(String binary) throws Exception {
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.start(binary, db.section());
        db.holdSession(haproxy, "db1");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        try (FakeHaproxySocket master = FakeHaproxySocket.forwarding(haproxy.masterSocket(),
                (n, real) -> new String(real, StandardCharsets.UTF_8)
                        .replaceFirst("(?m)^\\d+(\\s+master\\s)", "1$1").getBytes(StandardCharsets.UTF_8))) {
            assertTrue(RawSocket.ask(master.path(), "show proc").lines().anyMatch(l -> l.matches("1\\s+master\\s.*")),
                    "the fake's show proc gives master pid 1");
            CompletableFuture<HapcRun> drain = waitingDrain(haproxy, "-k", relay.path().toString(), "--master-socket",
                    master.path().toString(), "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "60");
            long cut = System.nanoTime();
            relay.close();
            HapcRun run = drain.get(20, TimeUnit.SECONDS);
            long after = (System.nanoTime() - cut) / 1_000_000;
            System.out.println("[measure] " + haproxy.version() + ": show proc with master pid 1, admin socket cut:"
                    + " the wait failed " + after + " ms after");
            assertEquals(1, run.exit(), run.stdout());
            assertEquals("socket", run.errorKind(), run.stdout());
            // WaitWatch.BLIND_GRACE_MILLIS, not the 10 s a reload is allowed while its (real) master lives
            assertTrue(after >= 900 && after < 5000, "failed " + after + " ms after the admin socket went away");
            assertTrue(master.lines().contains("show proc"), "the wait read the fake's show proc: " + master.lines());
            assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "it stays drained");
        }
    }

    /** HAProxy really in a pid namespace of its own (unshare), then killed during the wait. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void haproxyInAPidNamespaceKilledDuringTheWaitFailsAfterTheBlindGrace(String binary) throws Exception {
        String unavailable = HaproxyProcess.pidNamespaceUnavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.startInPidNamespace(binary, db.section());
        assertEquals(1, (int) Procs.pids(haproxy.masterSocket(), "master").get(0), "show proc: the master is pid 1 in its namespace");
        db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = waitingDrain(haproxy,
                haproxy.hapcArgs("drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "60"));
        String version = haproxy.version(); // asked before: nothing answers after the kill
        long killed = System.nanoTime();
        haproxy.kill();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);
        long after = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("[measure] " + version + ": HAProxy in a pid namespace killed: the wait failed "
                + after + " ms after");
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("socket", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("db/db1 was drained, but waiting for its sessions failed"), run.msg());
        assertTrue(after < 5000, "failed " + after + " ms after HAProxy was killed (a reload is allowed 10 s)");
    }
}
