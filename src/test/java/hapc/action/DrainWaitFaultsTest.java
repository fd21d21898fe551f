package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.TcpListen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What can go wrong while drain-server --wait waits: HAProxy dies (hapc must notice at the next
 * poll, not at the deadline), or the deadline passes with sessions left (the server stays
 * drained, and the answer says so).
 */
class DrainWaitFaultsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    private TcpListen db;

    private HaproxyProcess haproxy(String binary) {
        db = TcpListen.db(backend.port(), "db1", "db2");
        return live.start(binary, db.section());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void haproxyKilledDuringTheWaitFailsWithinASecondNotAtTheDeadline(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        List<Long> pids = haproxyPids(haproxy);

        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(() -> HapcRun.run("-k",
                haproxy.adminSocket().toString(), "--master-socket", haproxy.masterSocket().toString(),
                "drain-server", "-b", "db", "-s", "db1", "--wait", "--timeout", "60"));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> RawSocket.adminBits(haproxy.adminSocket(), "db", "db1") == 0x08), "the drain happened");
        Thread.sleep(300);
        assertFalse(drain.isDone(), "waiting for the open session");

        long killed = System.nanoTime();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        HapcRun run = drain.get(10, TimeUnit.SECONDS);
        long afterKill = (System.nanoTime() - killed) / 1_000_000;

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("socket", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("db/db1 was drained, but waiting for its sessions failed"), run.msg());
        assertTrue(run.changed(), "the drain itself happened: " + run.stdout());
        assertTrue(run.json().get("waited").asBoolean(), run.stdout());
        assertTrue(afterKill < 1500, "noticed " + afterKill + " ms after HAProxy died (deadline was 60 s)");
    }

    /** The master process and its workers, from the master CLI: kill them all, as a crash would. */
    private static List<Long> haproxyPids(HaproxyProcess haproxy) {
        List<Long> pids = new ArrayList<>();
        for (String line : RawSocket.ask(haproxy.masterSocket(), "show proc").split("\n")) {
            String first = line.strip().split("\\s+")[0];
            if (first.matches("[0-9]+")) {
                pids.add(Long.parseLong(first));
            }
        }
        assertTrue(pids.size() >= 2, "master and worker: " + pids);
        return pids;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aWaitThatExpiresLeavesTheServerDrainedAndSaysSo(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        db.holdSession(haproxy, "db2");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String request = """
                {"action": "drain-server", "backend": "db", "server": "db2", "wait": true, "timeout": 0.5,
                 "socket": "%s", "master_socket": "%s"}
                """.formatted(relay.path(), haproxy.masterSocket());
        long started = System.nanoTime();
        HapcRun run = HapcRun.runWithInput(request, "--json-in", "-");
        long took = (System.nanoTime() - started) / 1_000_000;

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("timeout", run.errorKind());
        assertTrue(run.msg().contains("db/db2 is drained but still has 1 session"), run.msg());
        assertTrue(run.msg().contains("it stays drained"), run.msg());
        assertTrue(run.changed());
        assertEquals("drain", run.json().at("/after/admin_state").asText());
        assertEquals(1, run.json().get("sessions_left").asInt());
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "db", "db2"), "stays drained");
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db2"), "the session was not killed");
        assertTrue(took >= 500 && took < 3000, "took " + took + " ms for a 0.5 s deadline");
        // The wait polled, but the drain went out once: a poll never re-sends the write.
        assertEquals(List.of("set server db/db2 state drain"), relay.changes());
        assertTrue(relay.connections().size() > 2, "polled: " + relay.connections());

        // A zero deadline: one look, then the same answer at once.
        relay.clear();
        HapcRun zero = HapcRun.run("-k", relay.path().toString(), "drain-server", "-b", "db", "-s", "db2",
                "-w", "-t", "0");
        assertEquals(1, zero.exit(), zero.stdout());
        assertEquals("timeout", zero.errorKind());
        assertFalse(zero.changed(), "already drained");
        assertEquals(List.of(), relay.changes(), "already drained: nothing sent");
        assertTrue(zero.msg().contains("it stays drained"), zero.msg());
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "db", "db2"));
    }
}
