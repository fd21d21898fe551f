package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Procs;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * drain-server --wait while something else acts on HAProxy: a reload through the master CLI
 * (the wait goes on; a new worker that lost the drain is drained again, with a warning), the
 * same with a server-state file (HAProxy keeps the drain: nothing re-applied), and another
 * client putting the server back in rotation (hapc stops at once, kind conflict, and leaves it).
 * States are read on HAProxy's own sockets.
 */
class WaitSticksTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private TcpListen db;
    /** In front of the admin socket: what the waiting drain-server sent, reloads included. */
    private RecordingRelay relay;

    private HaproxyProcess haproxy(String binary, String extraGlobal, String extraListen) {
        db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.start(binary, extraGlobal, db.section(extraListen));
        relay = live.relay(haproxy.adminSocket());
        return haproxy;
    }

    private CompletableFuture<HapcRun> drainAndWait(HaproxyProcess haproxy, String timeout) {
        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(() -> HapcRun.run(haproxy.hapcArgsThrough(
                relay, "-v", "drain-server", "-b", "db", "-s", "db1", "--wait", "--timeout", timeout)));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> ServerStates.of(haproxy, "db", "db1").equals("drain")), "the drain happened");
        // In its wait: the read-back after the write (which a reload may fail: the drain's own
        // answer is then a socket error) is done once the wait's first poll has read the state.
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> relay.pollingAfter("set server db/db1 state drain")), "the wait started polling: " + relay.commands());
        return drain;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aReloadDuringTheWaitIsWaitedThroughAndTheNewWorkerIsDrainedAgain(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, "", "");
        Socket client = db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "30");
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        long sent = haproxy.reloadThroughMaster();
        long tookOver = System.nanoTime();
        int newWorker = Procs.adminPid(haproxy.adminSocket());
        // hapc puts the drain back in the new worker (it started db1 ready from the config)
        boolean again = HaproxyProcess.waitUntil(Duration.ofSeconds(5),
                () -> ServerStates.of(haproxy, "db", "db1").equals("drain"));
        assertTrue(again, () -> "drained again in the new worker; hapc: "
                + (drain.isDone() ? drain.join().stdout() + drain.join().stderr() : "still waiting"));
        long redrained = System.nanoTime();
        System.out.println("[measure] " + haproxy.version() + ": new worker drained again "
                + (redrained - sent) / 1_000_000 + " ms after the reload command, "
                + (redrained - tookOver) / 1_000_000 + " ms after the test saw the new worker answer");
        assertTrue(Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker), "old worker holds the session");

        Thread.sleep(500);
        assertFalse(drain.isDone(), "still waiting for the old worker's session");
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "the drain sticks in the new worker");
        client.close();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);
        run.stderr().lines().filter(line -> line.contains("reachable again")).forEach(line -> System.out.println(
                "[measure] " + haproxy.version() + ": " + line));

        assertEquals(0, run.exit(), run.stdout());
        assertEquals(0, run.json().get("sessions_left").asInt());
        String warnings = run.json().path("warnings").toString();
        assertTrue(warnings.contains("reloaded") && warnings.contains(String.valueOf(oldWorker))
                && warnings.contains(String.valueOf(newWorker)), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 0.5, run.stdout());
        assertEquals(newWorker, Procs.adminPid(haproxy.adminSocket()));
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "the new worker has it drained");
        assertEquals(List.of("set server db/db1 state drain", "set server db/db1 state drain"), relay.changes(),
                "drained, then drained again once in the new worker");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aReloadWithAServerStateFileKeepsTheDrainAndNothingIsReapplied(String binary) throws Exception {
        Path dir = Files.createTempDirectory("hapc-wait-state-");
        Path stateFile = dir.resolve("servers.state");
        try {
            HaproxyProcess haproxy = haproxy(binary, "    server-state-file " + stateFile + "\n",
                    "    load-server-state-from-file global\n");
            Socket client = db.holdSession(haproxy, "db1");
            CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "30");
            // what a reload script does before reloading: save the states where HAProxy loads them
            Files.writeString(stateFile, RawSocket.ask(haproxy.adminSocket(), "show servers state"));

            haproxy.reloadThroughMaster();
            assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "HAProxy kept the drain from the file");
            Thread.sleep(500);
            assertFalse(drain.isDone(), () -> "still waiting for the old worker's session: " + drain.join().stdout()
                    + drain.join().stderr());
            client.close();
            HapcRun run = drain.get(20, TimeUnit.SECONDS);

            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.json().path("warnings").isMissingNode(), "no warning needed: " + run.stdout());
            assertEquals(List.of("set server db/db1 state drain"), relay.changes(),
                    "the drain was sent once, never re-applied");
            assertEquals("drain", ServerStates.of(haproxy, "db", "db1"));
        } finally {
            Files.deleteIfExists(stateFile);
            Files.deleteIfExists(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anotherCallerUndoingTheDrainStopsTheWaitAtOnceWithAConflict(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, "", "");
        db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "12");
        Thread.sleep(300);
        assertFalse(drain.isDone());

        long changed = System.nanoTime();
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server db/db1 state ready").strip());
        HapcRun run = drain.get(10, TimeUnit.SECONDS);
        long reactedMs = (System.nanoTime() - changed) / 1_000_000;
        System.out.println("[measure] " + haproxy.version() + ": conflict reported " + reactedMs
                + " ms after another caller's 'set server ... state ready'");

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("conflict", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("db/db1 is now ready") && run.msg().contains("did not fight"), run.msg());
        assertTrue(run.json().get("waited").asBoolean(), run.stdout());
        assertTrue(reactedMs < 1500, "reacted " + reactedMs + " ms after the change (deadline was 12 s)");
        Thread.sleep(300);
        assertEquals("ready", ServerStates.of(haproxy, "db", "db1"), "left as the other caller set it");
        assertEquals(List.of("set server db/db1 state drain"), relay.changes(), "the drain, and no fight after it");
    }

    /**
     * Issue 19: a wait that outlived hapc's own reload (a server-state file kept the drain)
     * follows the new worker; another caller's "ready" after that is a conflict, not a second
     * reload to undo: hapc stops within one poll and does not drain again.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void afterHapcsOwnReloadWithAStateFileAnotherCallersReadyIsAConflictNotUndone(String binary) throws Exception {
        Path dir = Files.createTempDirectory("hapc-wait-follow-");
        Path stateFile = dir.resolve("servers.state");
        try {
            HaproxyProcess haproxy = haproxy(binary, "    server-state-file " + stateFile + "\n",
                    "    load-server-state-from-file global\n");
            db.holdSession(haproxy, "db1");
            CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "20");
            int oldWorker = Procs.adminPid(haproxy.adminSocket());

            HapcRun reload = HapcRun.run("reload-haproxy", "-c", haproxy.config().toString(), "--master-socket",
                    haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary());
            assertEquals(0, reload.exit(), reload.stdout());
            int newWorker = Procs.adminPid(haproxy.adminSocket());
            assertNotEquals(oldWorker, newWorker, "a new worker took over");
            assertEquals("drain", ServerStates.of(haproxy, "db", "db1"), "the state file kept the drain");
            Thread.sleep(600); // a few polls: the wait sees the new worker keep the drain
            assertFalse(drain.isDone(), () -> "still waiting: " + drain.join().stdout());

            assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server db/db1 state ready").strip());
            long changed = System.nanoTime();
            HapcRun run = drain.get(10, TimeUnit.SECONDS);
            long reactedMs = (System.nanoTime() - changed) / 1_000_000;

            assertEquals(1, run.exit(), run.stdout());
            assertEquals("conflict", run.errorKind(), run.stdout());
            assertTrue(run.msg().contains("worker " + newWorker), run.msg());
            assertTrue(reactedMs < 1500, "reacted " + reactedMs + " ms after the change");
            assertEquals(List.of("set server db/db1 state drain"), relay.changes(),
                    "hapc did not drain again after the other caller");
            Thread.sleep(300);
            assertEquals("ready", ServerStates.of(haproxy, "db", "db1"), "left as the other caller set it");
        } finally {
            Files.deleteIfExists(stateFile);
            Files.deleteIfExists(dir);
        }
    }
}
