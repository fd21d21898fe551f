package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After a reload an OLD worker keeps the TCP sessions it held, and they are invisible on the
 * admin socket (it reaches the new worker). hapc must count them through the master CLI:
 * a server is not safe to remove while an old worker still holds one of its sessions.
 */
class OldWorkerTest {
    private static String proxies(int frontendPort, int serverPort) {
        return """
                frontend fe
                    mode tcp
                    bind 127.0.0.1:%1$d
                    default_backend be
                backend be
                    mode tcp
                    server s1 127.0.0.1:%2$d
                    server s2 127.0.0.1:%2$d
                """.formatted(frontendPort, serverPort);
    }

    /** The old worker's pid and the client connection it holds. */
    private record Held(int oldPid, Socket client) {
    }

    /** Holds one TCP session on be/s1, drains s1 and reloads through hapc. */
    private static Held holdSessionAcrossReload(HaproxyProcess haproxy, int frontendPort) throws Exception {
        // s2 in maintenance so the held session lands on s1.
        RawSocket.ask(haproxy.adminSocket(), "set server be/s2 state maint");
        Socket client = haproxy.connect(frontendPort);
        OutputStream out = client.getOutputStream();
        out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        haproxy.awaitSessions("be", "s1", 1);
        RawSocket.ask(haproxy.adminSocket(), "set server be/s1 state drain");
        int before = Procs.currentWorker(haproxy.masterSocket());
        HapcRun reload = HapcRun.run("reload-haproxy", "-c", haproxy.config().toString(), "--master-socket",
                haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary());
        assertEquals(0, reload.exit(), reload.stdout());
        assertNotEquals(before, Procs.currentWorker(haproxy.masterSocket()));
        assertEquals(List.of(before), Procs.pids(haproxy.masterSocket(), "old workers"),
                "the old worker stays for the session it holds");
        // Independently of hapc: the session is in the old worker, not on the admin socket.
        assertEquals(0, RawSocket.sessions(haproxy.adminSocket(), "be", "s1"));
        assertEquals(1, oldWorkerSessions(haproxy, before));
        return new Held(before, client);
    }

    /**
     * The old worker's sessions on be/s1 from its {@code show sess}: its {@code show stat} would
     * do on 2.6 and 3.0, but 2.2's leaves an old worker's stopped proxies out.
     */
    private static long oldWorkerSessions(HaproxyProcess haproxy, int pid) {
        return RawSocket.ask(haproxy.masterSocket(), "@!" + pid + " show sess").lines()
                .filter(l -> l.contains(" be=be srv=s1 ")).count();
    }

    private static String[] args(HaproxyProcess haproxy, String action, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(action, "-b", "be", "-s", "s1", "-k",
                haproxy.adminSocket().toString(), "--master-socket", haproxy.masterSocket().toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aSessionHeldByAnOldWorkerKeepsTheServerNotSafeUntilItCloses(String binary) throws Exception {
        int frontendPort = Ports.free();
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(frontendPort, server.port()))) {
            Held held = holdSessionAcrossReload(haproxy, frontendPort);
            int old = held.oldPid();

            HapcRun notSafe = HapcRun.run(args(haproxy, "check-safe-to-remove"));
            assertEquals(3, notSafe.exit(), notSafe.stdout());
            assertFalse(notSafe.json().get("safe").asBoolean());
            assertEquals(1, notSafe.json().get("sessions").asInt());
            assertTrue(notSafe.json().get("reasons").toString().contains("old worker " + old), notSafe.stdout());

            HapcRun connections = HapcRun.run(args(haproxy, "list-connections"));
            assertEquals(1, connections.json().get("sessions").asInt(), connections.stdout());
            JsonNode oldLoad = null;
            for (JsonNode worker : connections.json().get("workers")) {
                if (worker.get("role").asText().equals("old")) {
                    oldLoad = worker;
                }
            }
            assertEquals(old, oldLoad.get("pid").asInt());
            assertEquals(1, oldLoad.get("sessions").asInt());

            // The client goes away: the old worker ends, and the server becomes safe to remove.
            held.client().close();
            assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                    () -> Procs.pids(haproxy.masterSocket(), "old workers").isEmpty()), "old worker exits");
            HapcRun safe = HapcRun.run(args(haproxy, "check-safe-to-remove"));
            assertEquals(0, safe.exit(), safe.stdout());
            assertTrue(safe.json().get("safe").asBoolean());
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainWaitWaitsForTheOldWorkersSession(String binary) throws Exception {
        int frontendPort = Ports.free();
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(frontendPort, server.port()))) {
            Held held = holdSessionAcrossReload(haproxy, frontendPort);

            HapcRun expired = HapcRun.run(args(haproxy, "drain-server", "-w", "-t", "0.5"));
            assertEquals(1, expired.exit(), expired.stdout());
            assertEquals("timeout", expired.errorKind());
            assertEquals(1, expired.json().get("sessions_left").asInt());

            CompletableFuture<HapcRun> waiting = CompletableFuture.supplyAsync(
                    () -> HapcRun.run(args(haproxy, "drain-server", "-w", "-t", "20")));
            Thread.sleep(500);
            assertFalse(waiting.isDone(), "still waiting while the old worker holds the session");
            held.client().close();
            HapcRun done = waiting.get(25, TimeUnit.SECONDS);
            assertEquals(0, done.exit(), done.stdout());
            assertEquals(0, done.json().get("sessions_left").asInt());
        }
    }

    /**
     * Issue 21, case 4: an old worker whose read fails (here the master's answer to its show stat
     * is replaced by an error, every other line forwarded to the real master) is no "zero
     * sessions": check-safe-to-remove fails instead of saying safe.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anOldWorkersFailedReadIsNeverSafe(String binary) throws Exception {
        int frontendPort = Ports.free();
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(frontendPort, server.port()))) {
            Held held = holdSessionAcrossReload(haproxy, frontendPort);
            String oldRead = "@!" + held.oldPid() + " show stat";
            try (hapc.testing.FakeHaproxySocket master = new hapc.testing.FakeHaproxySocket((n, line) ->
                    (line.contains(oldRead) ? "Timeout while talking to the worker.\n\n"
                            : RawSocket.ask(haproxy.masterSocket(), line.strip())).getBytes(StandardCharsets.UTF_8))) {
                HapcRun run = HapcRun.run("check-safe-to-remove", "-b", "be", "-s", "s1", "-k",
                        haproxy.adminSocket().toString(), "--master-socket", master.path().toString());
                assertEquals(1, run.exit(), run.stdout());
                assertEquals("haproxy", run.errorKind(), run.stdout());
                assertTrue(run.msg().contains("old worker " + held.oldPid()), run.msg());
                assertFalse(run.json().has("safe") && run.json().get("safe").asBoolean(), run.stdout());
            }
            held.client().close();
        }
    }
}
