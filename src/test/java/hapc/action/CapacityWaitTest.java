package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --capacity-timeout when no capacity comes: past the deadline the guard's refusal stands
 * (kind capacity), and a SIGTERM during the wait answers one JSON document (kind interrupted);
 * nothing is sent either way, on the recording relay.
 */
class CapacityWaitTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    /** The lock and hold store of this test only (deleted afterwards). */
    @TempDir
    Path stateDir;

    private String[] drain(Path socket, String timeout) {
        return new String[] {"-k", socket.toString(), "--state-dir", stateDir.toString(), "drain-server", "-b",
            "web", "-s", "s1", "--min-up", "2", "--capacity-timeout", timeout};
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pastTheDeadlineTheRefusalStandsAndATermDuringTheWaitAnswersInterrupted(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, "backend web\n    server s1 127.0.0.1:" + backend.port()
                + "\n    server s2 127.0.0.1:" + backend.port() + "\n");
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        long started = System.nanoTime();
        HapcProcess late = HapcProcess.run(drain(relay.path(), "1"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(1, late.exit(), late.stdout());
        assertEquals("capacity", late.errorKind(), late.stdout());
        assertTrue(late.msg().contains("capacity-timeout"), late.msg());
        assertTrue(millis >= 1000, "it waited the second out: " + millis + " ms");

        assertEquals(List.of(), relay.changes(), "refused past the deadline: nothing sent");
        relay.clear();
        Process waiting = HapcProcess.start(drain(relay.path(), "60"));
        long begun = System.nanoTime();
        // the refused attempt and a poll, at least, before the signal; then a second more, so
        // that the process is surely polling (every 200 ms) rather than starting its JVM
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(30), () -> relay.connections().size() >= 2),
                relay.commands().toString());
        Thread.sleep(1000);
        // kill(1), not Process.destroy(): destroy also closes our ends of the child's pipes, and
        // the answer written on the signal would be lost
        Process term = new ProcessBuilder("kill", "-TERM", String.valueOf(waiting.pid())).start();
        assertTrue(term.waitFor(10, TimeUnit.SECONDS) && term.exitValue() == 0, "kill -TERM sent");
        HapcProcess interrupted = HapcProcess.finish(waiting, begun, Duration.ofSeconds(30));
        assertEquals("interrupted", interrupted.errorKind(), interrupted.stdout() + interrupted.stderr());
        assertEquals(false, interrupted.json().get("changed").asBoolean(), interrupted.stdout());

        assertEquals(List.of(), relay.changes(), "refused and interrupted: nothing sent");
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
    }
}
