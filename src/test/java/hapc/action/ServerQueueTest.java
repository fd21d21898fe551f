package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real queue on a server: {@code maxconn 1} and three held TCP clients, one served and two
 * waiting in the server's own queue ({@code qcur} 2 on the server line, read by the test's own
 * socket before anything else). {@code use-server} is what puts them in the SERVER's queue:
 * without it HAProxy queues them in the backend (qcur on the BACKEND line, 0 on the server),
 * where a drained server never takes them from.
 */
@Timeout(90)
class ServerQueueTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private int port;

    private HaproxyProcess haproxy(String binary) {
        port = Ports.free();
        return live.start(binary, """
                listen q
                    mode tcp
                    bind 127.0.0.1:%d
                    timeout queue 60s
                    use-server s1 if TRUE
                    server s1 127.0.0.1:%d maxconn 1
                """.formatted(port, live.backend().port()));
    }

    /** Waits (bounded) until HAProxy's own show stat has these scur and qcur for q/s1. */
    private static void awaitLoad(HaproxyProcess haproxy, int sessions, int queued) {
        boolean reached = HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> load(haproxy).equals(sessions + "/" + queued));
        assertTrue(reached, "q/s1 never reached scur/qcur " + sessions + "/" + queued + ", it is " + load(haproxy));
    }

    private static String load(HaproxyProcess haproxy) {
        return RawSocket.stat(haproxy.adminSocket(), "q", "s1", "scur") + "/"
                + RawSocket.stat(haproxy.adminSocket(), "q", "s1", "qcur");
    }

    /** One client served, two in the server's queue. */
    private Socket[] queue(HaproxyProcess haproxy) {
        Socket served = haproxy.connect(port);
        awaitLoad(haproxy, 1, 0);
        Socket second = haproxy.connect(port);
        awaitLoad(haproxy, 1, 1);
        Socket third = haproxy.connect(port);
        awaitLoad(haproxy, 1, 2);
        return new Socket[] {served, second, third};
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listConnectionsCountsTheQueuedClients(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket[] clients = queue(haproxy);

        HapcRun run = HapcRun.run(haproxy.hapcArgs("list-connections", "-b", "q", "-s", "s1"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(1, run.json().get("sessions").asInt(), run.stdout());
        assertEquals(2, run.json().get("queued").asInt(), run.stdout());
        assertTrue(run.msg().contains("2 queued"), run.msg());

        clients[2].close();
        awaitLoad(haproxy, 1, 1);
        HapcRun after = HapcRun.run(haproxy.hapcArgs("list-connections", "-b", "q", "-s", "s1"));
        assertEquals(1, after.json().get("queued").asInt(), "a client that left the queue is no longer counted");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkSafeToRemoveRefusesWithTheQueueAsAReason(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        queue(haproxy);
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server q/s1 state drain").strip());
        assertEquals("drain", ServerStates.of(haproxy, "q", "s1"));
        awaitLoad(haproxy, 1, 2);

        HapcRun check = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-b", "q", "-s", "s1"));

        assertEquals(3, check.exit(), check.stdout());
        assertFalse(check.json().get("safe").asBoolean());
        assertEquals(2, check.json().get("queued").asInt(), check.stdout());
        assertTrue(check.json().get("reasons").toString().contains("2 queued requests"), check.stdout());
        assertEquals("1/2", load(haproxy), "checking changed nothing");
    }

    /**
     * A server's queue cannot outlive its sessions (a freed slot takes the next queued client at
     * once), so the queue is proved to count by what the wait does while clients are queued: it
     * goes on after the served client leaves, while the queued ones are served in turn, and ends
     * only when the last of them is gone.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainWaitReturnsOnlyAfterTheQueuedClientsAreGone(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket[] clients = queue(haproxy);

        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(
                () -> HapcRun.run(haproxy.hapcArgs("drain-server", "-b", "q", "-s", "s1", "--wait", "--timeout", "60")));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> "drain".equals(ServerStates.of(haproxy, "q", "s1"))));

        clients[0].close();
        awaitLoad(haproxy, 1, 1);
        Thread.sleep(400);
        assertFalse(drain.isDone(), "one client is still queued: the wait must go on");

        clients[1].close();
        awaitLoad(haproxy, 1, 0);
        Thread.sleep(400);
        assertFalse(drain.isDone(), "the last queued client is now served: the wait must go on");

        long closed = System.nanoTime();
        clients[2].close();
        HapcRun run = drain.get(20, TimeUnit.SECONDS);
        long afterClose = (System.nanoTime() - closed) / 1_000_000;

        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.json().get("waited").asBoolean());
        assertEquals(0, run.json().get("queued_left").asInt());
        assertEquals(0, run.json().get("sessions_left").asInt());
        assertEquals("0/0", load(haproxy));
        assertEquals("drain", ServerStates.of(haproxy, "q", "s1"));
        assertTrue(afterClose < 2000, "returned " + afterClose + " ms after the last client left");
    }

    /**
     * Without use-server the waiting clients are queued in the BACKEND (qcur on its BACKEND
     * line, 0 on the server's). hapc counts a server's own queue only, and this shows why that
     * is right: once the server is drained, HAProxy never hands it a client from the backend's
     * queue (its stot, every session it ever had, stays 1), so when its one session ends it is
     * safe to remove. What becomes of those clients differs: 2.6 keeps them queued, 3.0 closes
     * them at once (no server of the backend can take them); either way none reaches the server.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aDrainedServerTakesNothingFromTheBackendsQueue(String binary) throws Exception {
        int plainPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary, """
                listen plain
                    mode tcp
                    bind 127.0.0.1:%d
                    timeout queue 60s
                    server s1 127.0.0.1:%d maxconn 1
                """.formatted(plainPort, live.backend().port()));
        Socket served = haproxy.connect(plainPort);
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> "1".equals(plainStat(haproxy, "scur"))));
        Socket[] waiting = {haproxy.connect(plainPort), haproxy.connect(plainPort)};
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> backendQueue(haproxy) == 2));
        assertEquals("0", plainStat(haproxy, "qcur"), "not the server's queue");
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server plain/s1 state drain").strip());

        HapcRun busy = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-b", "plain", "-s", "s1"));
        assertEquals(3, busy.exit(), busy.stdout());
        assertEquals(0, busy.json().get("queued").asInt(), busy.stdout());
        assertEquals(1, busy.json().get("sessions").asInt(), busy.stdout());

        served.close();
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> "0".equals(plainStat(haproxy, "scur"))));
        Thread.sleep(300);
        int closed = 0;
        for (Socket client : waiting) {
            client.setSoTimeout(500);
            try {
                closed += client.getInputStream().read() == -1 ? 1 : 0;
            } catch (java.net.SocketTimeoutException e) {
                // still open: waiting in the queue
            }
        }
        assertEquals("1", plainStat(haproxy, "stot"), "no queued client ever reached the drained server");
        assertEquals("0", plainStat(haproxy, "scur"));
        assertEquals(2, backendQueue(haproxy) + closed, "each queued client still waits or was closed by HAProxy");
        HapcRun safe = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-b", "plain", "-s", "s1"));
        assertEquals(0, safe.exit(), safe.stdout());
        assertTrue(safe.json().get("safe").asBoolean());
    }

    private static String plainStat(HaproxyProcess haproxy, String column) {
        return RawSocket.stat(haproxy.adminSocket(), "plain", "s1", column);
    }

    /** qcur of the BACKEND line of 'plain' (show stat type 2: backends only). */
    private static int backendQueue(HaproxyProcess haproxy) {
        String[] lines = RawSocket.ask(haproxy.adminSocket(), "show stat plain 2 -1").split("\n");
        java.util.List<String> header = java.util.List.of(lines[0].substring(2).split(","));
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (f.length > 1 && f[0].equals("plain") && f[1].equals("BACKEND")) {
                return Integer.parseInt(f[header.indexOf("qcur")]);
            }
        }
        throw new AssertionError("no BACKEND line for plain");
    }
}
