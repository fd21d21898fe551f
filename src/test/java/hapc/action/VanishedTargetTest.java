package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
 * Issue 21, case 3: "drain, remove from the config, reload, wait". A target the reload removed
 * from the running HAProxy is out of rotation for good: drain-server --wait goes on counting its
 * sessions in the old worker (through the master CLI) and succeeds when they end, naming it in
 * {@code vanished} and a warning; --on-timeout stop kills them in the old worker; without a
 * master CLI the wait stops with kind conflict. Before, every one of these ended in exit 2
 * (not_found, "invalid request") at the first poll after the reload. HAProxy's own state (the
 * new worker's servers, the old worker, the client's connection) and the relays' records are the
 * proof.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VanishedTargetTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private TcpListen db;
    private RecordingRelay relay;

    /** listen db (db1, db2) and, so that a config without db still listens, listen other (o1). */
    private HaproxyProcess haproxy(String binary) {
        db = TcpListen.db(live.backend().port(), "db1", "db2");
        TcpListen other = new TcpListen("other", Ports.free(), live.backend().port(), List.of("o1"));
        HaproxyProcess haproxy = live.start(binary, db.section() + other.section());
        relay = live.relay(haproxy.adminSocket());
        return haproxy;
    }

    /** drain-server with these arguments in the background, returned once db1 is drained and the wait polls. */
    private CompletableFuture<HapcRun> drainAndWait(HaproxyProcess haproxy, String... args) {
        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(() -> HapcRun.run(args));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> relay.pollingAfter("set server db/db1 state drain")), "the wait started polling: " + relay.commands());
        assertEquals("drain", ServerStates.of(haproxy, "db", "db1"));
        return drain;
    }

    private static void removeServer(HaproxyProcess haproxy, String server) {
        haproxy.editConfig(config -> config.replaceFirst("(?m)^    server " + server + " .*\n", ""));
    }

    private static void removeListenDb(HaproxyProcess haproxy) {
        haproxy.editConfig(config -> config.replaceFirst("(?s)listen db\n.*?(?=listen other)", ""));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerRemovedByAReloadIsWaitedForInTheOldWorkerAndTheWaitSucceeds(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy,
                haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "30"));
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        removeServer(haproxy, "db1");
        haproxy.reloadThroughMaster();
        assertEquals(-1, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"), "the new worker has no db/db1");
        assertEquals("ready", ServerStates.of(haproxy, "db", "db2"));
        Thread.sleep(600);
        assertFalse(drain.isDone(), () -> "still waiting for the old worker's session: " + drain.join().stdout());
        assertTrue(Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker), "the old worker holds it");

        client.close();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(List.of("db/db1"), vanished(run), run.stdout());
        assertEquals(0, run.json().get("sessions_left").asInt(), run.stdout());
        assertTrue(run.json().get("waited_seconds").asDouble() >= 0.6, run.stdout());
        String warnings = run.json().path("warnings").toString();
        assertTrue(warnings.contains("db/db1 is gone during the wait") && warnings.contains(String.valueOf(oldWorker)),
                run.stdout());
        assertTrue(run.msg().contains("no longer in the running HAProxy"), run.msg());
        assertEquals(List.of("set server db/db1 state drain"), relay.changes(), "the drain once, nothing after it");
        assertEquals("ready", ServerStates.of(haproxy, "db", "db2"), "the other server untouched");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void ofTwoTargetsTheOneARemovedIsCountedInTheOldWorkerAndTheOtherIsDrainedAgain(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket first = db.holdSession(haproxy, "db1");
        Socket second = db.holdSession(haproxy, "db2");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy, haproxy.hapcArgsThrough(relay, "drain-server", "-b",
                "db", "-s", "db1", "-s", "db2", "--wait", "-t", "30"));
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        removeServer(haproxy, "db1");
        haproxy.reloadThroughMaster();
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(5),
                () -> ServerStates.of(haproxy, "db", "db2").equals("drain")), "db2 drained again in the new worker");
        assertEquals(-1, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
        first.close();
        Thread.sleep(600);
        assertFalse(drain.isDone(), () -> "db2's session is still in the old worker: " + drain.join().stdout());
        second.close();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);

        assertEquals(0, run.exit(), run.stdout());
        assertEquals(List.of("db/db1"), vanished(run), run.stdout());
        assertEquals(0, run.json().get("sessions_left").asInt(), run.stdout());
        String warnings = run.json().path("warnings").toString();
        assertTrue(warnings.contains("db/db1 is gone during the wait") && warnings.contains("drained again"),
                run.stdout());
        assertEquals(List.of("set server db/db1 state drain", "set server db/db2 state drain",
                "set server db/db2 state drain"), relay.changes(), "db2 drained again, nothing sent about db1");
        assertEquals("drain", ServerStates.of(haproxy, "db", "db2"));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> !Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker)), "old worker gone");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aBackendRemovedByAReloadStillBusyAtTheDeadlineHasItsOldWorkerSessionsKilled(String binary)
            throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");
        RecordingRelay master = live.relay(haproxy.masterSocket());
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "-k", relay.path().toString(), "--master-socket",
                master.path().toString(), "-v", "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "4",
                "--on-timeout", "stop");
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        removeListenDb(haproxy);
        haproxy.reloadThroughMaster();
        assertTrue(RawSocket.ask(haproxy.adminSocket(), "show servers state db").contains("Can't find backend"),
                "the new worker has no backend db");
        HapcRun run = drain.get(20, TimeUnit.SECONDS);

        assertEquals(0, run.exit(), run.stdout() + run.stderr());
        assertTrue(run.json().get("escalated").asBoolean(), run.stdout());
        assertTrue(run.json().get("sessions_killed").asBoolean(), run.stdout());
        assertEquals(1, run.json().get("sessions_killed_count").asInt(), run.stdout());
        assertEquals(1, run.json().get("targets").get(0).get("sessions_killed_count").asInt(), run.stdout());
        assertEquals(List.of("db/db1"), vanished(run), run.stdout());
        // 'shutdown sessions server' is refused by an old worker ("Proxy is disabled."): its session is killed by id
        List<String> kills = master.changes();
        assertEquals(1, kills.size(), "one kill, to the old worker: " + kills);
        assertTrue(kills.get(0).matches("@!" + oldWorker + " shutdown session 0x[0-9a-f]+"), kills.toString());
        assertEquals(List.of("set server db/db1 state drain"), relay.changes(), "no write to the new worker");
        assertClosedByHaproxy(client);
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> !Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker)),
                "the old worker, its last session killed, exits");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aRemovedServerStillBusyAtTheDeadlineIsATimeoutNamingItAndTheOldWorkersSession(String binary)
            throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy,
                haproxy.hapcArgsThrough(relay, "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "3"));
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        removeServer(haproxy, "db1");
        haproxy.reloadThroughMaster();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("timeout", run.errorKind(), run.stdout());
        assertEquals(List.of("db/db1"), vanished(run), run.stdout());
        assertEquals(1, run.json().get("sessions_left").asInt(), run.stdout());
        assertTrue(run.msg().contains("1 in old worker " + oldWorker) && run.msg().contains("no longer in the running"),
                run.msg());
        assertEquals(List.of("set server db/db1 state drain"), relay.changes());
        assertTrue(Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker),
                "nothing killed: the old worker still holds the session");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withoutAMasterCliARemovedServerEndsTheWaitWithAConflict(String binary) throws Exception {
        assertFalse(Files.exists(Path.of(Context.DEFAULT_MASTER_SOCKET)), "no master CLI where hapc would look");
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        CompletableFuture<HapcRun> drain = drainAndWait(haproxy, "-k", relay.path().toString(),
                "drain-server", "-b", "db", "-s", "db1", "--wait", "-t", "30");
        int oldWorker = Procs.adminPid(haproxy.adminSocket());

        removeServer(haproxy, "db1");
        haproxy.reloadThroughMaster();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("conflict", run.errorKind(), run.stdout());
        assertEquals(List.of("db/db1"), vanished(run), run.stdout());
        assertTrue(run.msg().contains("without a master CLI"), run.msg());
        assertEquals(List.of("set server db/db1 state drain"), relay.changes());
        assertEquals(-1, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
        assertTrue(Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker), "its session is untouched");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerRemovedByAReloadMidRampStopsTheRampWithAConflictNamingIt(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100
                    server app2 127.0.0.1:%1$d weight 100
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> call = CompletableFuture.supplyAsync(() -> HapcRun.run(
                haproxy.hapcArgsThrough(relay, "enable-server", "-b", "web", "-s", "app1", "--ramp", "10")));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> relay.changes().stream()
                .filter(c -> c.startsWith("set weight web/app1 ")).count() >= 2), "two steps out: " + relay.changes());
        assertFalse(call.isDone());

        removeServer(haproxy, "app1");
        haproxy.reloadThroughMaster();
        HapcRun run = call.get(15, TimeUnit.SECONDS);
        List<String> sent = relay.changes();

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("conflict", run.errorKind(), run.stdout());
        assertEquals(List.of("web/app1"), vanished(run), run.stdout());
        assertTrue(run.msg().contains("web/app1 left the running HAProxy during the ramp"), run.msg());
        int steps = run.json().at("/ramp/steps_done").asInt();
        assertTrue(steps >= 2 && steps < run.json().at("/ramp/steps").size(), run.stdout());
        assertFalse(run.json().at("/ramp/completed").asBoolean(), run.stdout());
        assertTrue(run.json().path("warnings").toString().indexOf("set-weight") < 0,
                "no advice to raise the weight of a server that is gone: " + run.stdout());
        assertEquals(-1, RawSocket.adminBits(haproxy.adminSocket(), "web", "app1"), "the new worker has no web/app1");
        assertEquals(100, RawSocket.weight(haproxy.adminSocket(), "web", "app2")[0], "app2 untouched");
        assertTrue(sent.stream().noneMatch(c -> c.contains("app2")), sent.toString());
        Thread.sleep(1200);
        assertEquals(sent, relay.changes(), "nothing sent after the answer");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerRemovedByAReloadWhileEnableWaitsForItToBeUpEndsTheWaitWithAConflict(String binary)
            throws Exception {
        int closedPort = Ports.free(); // nothing listens: the health check fails, the server never comes up
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d check inter 200ms
                    server app2 127.0.0.1:%d
                """.formatted(closedPort, live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> call = CompletableFuture.supplyAsync(() -> HapcRun.run(haproxy.hapcArgsThrough(
                relay, "enable-server", "-b", "web", "-s", "app1", "--wait", "-t", "30")));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> ServerStates.of(haproxy, "web", "app1").equals("ready")), "enabled");
        Thread.sleep(500);
        assertFalse(call.isDone(), "waits: the check fails");

        removeServer(haproxy, "app1");
        long reloaded = System.nanoTime();
        haproxy.reloadThroughMaster();
        HapcRun run = call.get(15, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - reloaded) / 1_000_000;

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("conflict", run.errorKind(), run.stdout());
        assertEquals(List.of("web/app1"), vanished(run), run.stdout());
        assertTrue(run.msg().contains("web/app1 was enabled, then web/app1 left the running HAProxy"), run.msg());
        assertTrue(run.json().get("waited").asBoolean(), run.stdout());
        assertTrue(tookMs < 5000, "the wait stopped " + tookMs + " ms after the reload, not at its 30 s deadline");
        assertEquals(-1, RawSocket.adminBits(haproxy.adminSocket(), "web", "app1"), "the new worker has no web/app1");
        assertEquals(List.of("set server web/app1 state ready"), relay.changes(), "the enable once, then only reads");
    }

    private static List<String> vanished(HapcRun run) {
        return java.util.stream.StreamSupport.stream(run.json().path("vanished").spliterator(), false)
                .map(v -> v.get("backend").asText() + "/" + v.get("server").asText()).toList();
    }

    /** The client sees its connection closed (end of stream or reset), within the socket's 10 s read bound. */
    private static void assertClosedByHaproxy(Socket client) {
        try {
            assertEquals(-1, client.getInputStream().read(), "the connection was closed by HAProxy");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the session is still open 10 s after the kill");
        } catch (IOException reset) {
            // reset by HAProxy: closed as well
        }
    }
}
