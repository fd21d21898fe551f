package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.host.StateDir;
import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.LockHolder;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19: the lock of an HAProxy between separate processes, and the hold fields' checks.
 * A process holding the lock makes a writing call wait (bounded by --socket-timeout, then kind
 * timeout with nothing sent), while reads and check mode answer at once (they take no lock);
 * once that process is SIGKILLed, the next call proceeds at once,
 * because the kernel dropped its lock. A bad owner or reason is refused (exit 2) before anything
 * is sent. "Nothing sent" is proven on the recording relay, states on HAProxy's own socket.
 */
class LockAndInputTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    /** The lock and hold store of this test only (deleted afterwards). */
    @TempDir
    Path stateDir;

    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, "backend web\n"
                + "    server s1 127.0.0.1:" + backend.port() + "\n"
                + "    server s2 127.0.0.1:" + backend.port() + "\n");
    }

    private HapcProcess drain(RecordingRelay relay, String socketTimeout) {
        return HapcProcess.run("-k", relay.path().toString(), "--state-dir", stateDir.toString(),
                "--socket-timeout", socketTimeout, "drain-server", "-b", "web", "-s", "s1");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCallerKilledWhileHoldingTheLockDoesNotBlockTheNext(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        // the file hapc locks for this HAProxy: the one of the socket it is given, by real path
        Path lockFile = new StateDir(stateDir).fileFor(relay.path().toRealPath().toString(), "lock");
        Files.createDirectories(stateDir);
        Process holder = LockHolder.start(lockFile);
        try {
            relay.clear();
            HapcProcess waited = drain(relay, "1");
            assertEquals(1, waited.exit(), waited.stdout() + waited.stderr());
            assertEquals("timeout", waited.errorKind(), waited.stdout());
            assertTrue(waited.msg().contains("lock"), waited.msg());
            assertEquals(List.of(), relay.changes(), "nothing sent while another process held the lock");
            assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
            // reads and check mode take no lock: they answer at once while it is held
            relay.clear();
            HapcProcess checked = HapcProcess.run("-k", relay.path().toString(), "--state-dir", stateDir.toString(),
                    "--socket-timeout", "1", "drain-server", "-b", "web", "-s", "s1", "-C");
            assertEquals(0, checked.exit(), checked.stdout() + checked.stderr());
            assertTrue(checked.changed(), "check mode says the drain would change s1: " + checked.stdout());
            HapcProcess listed = HapcProcess.run("-k", relay.path().toString(), "--state-dir", stateDir.toString(),
                    "--socket-timeout", "1", "list-servers", "-b", "web", "-d");
            assertEquals(0, listed.exit(), listed.stdout() + listed.stderr());
            assertTrue(relay.readServersState(), "both read HAProxy");
            assertEquals(List.of(), relay.changes(), "check mode and reads send no change");
            assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        } finally {
            LockHolder.kill(holder);
        }
        relay.clear();
        // a socket timeout far above a JVM start: had the lock stayed, the call would last 30 s
        HapcProcess next = drain(relay, "30");
        assertEquals(0, next.exit(), next.stdout() + next.stderr());
        assertTrue(next.millis() < 15_000, "the call after the kill took " + next.millis() + " ms");
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
        assertEquals(1, relay.changes().size(), relay.changes().toString());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBadOwnerOrReasonIsRefusedWithExitTwoAndNothingSent(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        List<List<String>> bad = List.of(
                List.of("drain-server", "--owner", "alice bob"),
                List.of("drain-server", "--owner", "x".repeat(65)),
                List.of("stop-server", "--owner", "ops;disable server web/s2"),
                List.of("enable-server", "--owner", ""),
                List.of("drain-server", "--owner", "ops", "--reason", "two\nlines"),
                List.of("stop-server", "--owner", "ops", "--reason", "r".repeat(201)),
                List.of("drain-server", "--owner", "ops", "--reason", "bell\u0007"));
        for (List<String> call : bad) {
            relay.clear();
            List<String> args = new java.util.ArrayList<>(List.of("-k", relay.path().toString(), "--state-dir",
                    stateDir.toString()));
            args.add(call.get(0));
            args.addAll(List.of("-b", "web", "-s", "s1"));
            args.addAll(call.subList(1, call.size()));
            HapcProcess run = HapcProcess.run(args.toArray(String[]::new));
            assertEquals(2, run.exit(), call + ": " + run.stdout() + run.stderr());
            assertTrue(run.stderr().isBlank() || !run.stderr().contains("Exception"), run.stderr());
            assertEquals(List.of(), relay.commands(), call + ": nothing may be sent");
        }
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        assertEquals("ready", ServerStates.of(haproxy, "web", "s2"));
        assertTrue(!Files.exists(stateDir) || Files.list(stateDir).findAny().isEmpty(),
                "a refused call writes no lock or hold file");
    }
}
