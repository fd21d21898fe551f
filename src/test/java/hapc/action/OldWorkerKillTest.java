package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stop-server kills the sessions an OLD worker still holds after a reload. An old worker refuses
 * {@code shutdown sessions server B/S} ("Proxy is disabled.": its proxies are stopped, on 2.2, 2.6
 * and 3.0), so hapc kills each of those sessions by its id from the worker's {@code show sess}.
 * Before, the kill was refused and the target reported refused, the session left open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OldWorkerKillTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void stopServerKillsTheSessionAnOldWorkerHolds(String binary) {
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = live.start(binary, db.section());
        Socket client = db.holdSession(haproxy, "db1");
        int oldWorker = Procs.adminPid(haproxy.adminSocket());
        haproxy.reloadThroughMaster();
        assertEquals(List.of(oldWorker), Procs.pids(haproxy.masterSocket(), "old workers"), "it holds the session");
        assertEquals(0, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"), "none in the new worker");
        RecordingRelay admin = live.relay(haproxy.adminSocket());
        RecordingRelay master = live.relay(haproxy.masterSocket());

        HapcRun run = HapcRun.run("-k", admin.path().toString(), "--master-socket", master.path().toString(),
                "stop-server", "-b", "db", "-s", "db1");

        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.changed(), run.stdout());
        assertTrue(run.json().get("sessions_killed").asBoolean(), run.stdout());
        assertEquals("maint", ServerStates.of(haproxy, "db", "db1"));
        List<String> kills = master.changes();
        assertEquals(1, kills.size(), kills.toString());
        assertTrue(kills.get(0).matches("@!" + oldWorker + " shutdown session 0x[0-9a-f]+"), kills.toString());
        try {
            assertEquals(-1, client.getInputStream().read(), "HAProxy closed the session");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the old worker's session is still open 10 s after the kill");
        } catch (IOException reset) {
            // reset: closed as well
        }
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> !Procs.pids(haproxy.masterSocket(), "old workers").contains(oldWorker)),
                "the old worker, its last session killed, exits");
    }
}
