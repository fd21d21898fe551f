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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19: N hapc processes started at once, each draining its own server of one backend of
 * K with --min-up M, drain exactly min(N, K - M) servers; the others are refused (kind
 * capacity, changed false) and send nothing. Proven on HAProxy's own socket and, for "nothing
 * sent", on the recording relay every call goes through.
 */
class GuardedDrainsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    /** The lock and hold store of this test only (deleted afterwards). */
    @TempDir
    Path stateDir;

    private HaproxyProcess haproxy(String binary, int servers) {
        StringBuilder config = new StringBuilder("backend web\n");
        for (int i = 1; i <= servers; i++) {
            config.append("    server s").append(i).append(" 127.0.0.1:").append(backend.port()).append('\n');
        }
        return live.start(binary, config.toString());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fiveCallersOnFiveServersWithMinUpThreeDrainExactlyTwo(String binary) throws Exception {
        rounds(binary, 5, 3, 3);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void twelveCallersOnTwelveServersWithMinUpEightDrainExactlyFour(String binary) throws Exception {
        rounds(binary, 12, 8, 2);
    }

    private void rounds(String binary, int servers, int minUp, int rounds) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, servers);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        int allowed = servers - minUp;
        for (int round = 0; round < rounds; round++) {
            relay.clear();
            List<Process> processes = new ArrayList<>();
            long startedAt = System.nanoTime();
            for (int i = 1; i <= servers; i++) {
                processes.add(HapcProcess.start("-k", relay.path().toString(), "--state-dir", stateDir.toString(),
                        "drain-server", "-b", "web", "-s", "s" + i, "--min-up", String.valueOf(minUp)));
            }
            List<String> drained = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (int i = 1; i <= servers; i++) {
                HapcProcess run = HapcProcess.finish(processes.get(i - 1), startedAt, Duration.ofSeconds(120));
                if (run.exit() == 0) {
                    assertTrue(run.changed(), run.stdout());
                    drained.add("s" + i);
                } else {
                    assertEquals(1, run.exit(), run.stdout() + run.stderr());
                    assertEquals("capacity", run.errorKind(), run.stdout());
                    assertEquals(false, run.json().get("changed").asBoolean(), run.stdout());
                    refused.add("s" + i);
                }
            }
            List<String> inDrain = new ArrayList<>();
            for (int i = 1; i <= servers; i++) {
                String state = ServerStates.of(haproxy, "web", "s" + i);
                if (state.equals("drain")) {
                    inDrain.add("s" + i);
                } else {
                    assertEquals("ready", state, "s" + i);
                }
            }
            assertEquals(allowed, inDrain.size(), "round " + round + ": drained on HAProxy " + inDrain);
            assertEquals(inDrain, drained, "the callers that succeeded are the servers drained");
            List<String> changes = relay.changes();
            assertEquals(allowed, changes.size(), "one write per allowed drain: " + changes);
            for (String server : refused) {
                assertTrue(changes.stream().noneMatch(c -> c.contains("web/" + server + " ")),
                        server + " was refused and nothing was sent for it: " + changes);
            }
            for (String server : drained) {
                HapcProcess back = HapcProcess.run("-k", haproxy.adminSocket().toString(), "--state-dir",
                        stateDir.toString(), "enable-server", "-b", "web", "-s", server);
                assertEquals(0, back.exit(), back.stdout());
            }
        }
    }

    /**
     * Five callers, each cycling its own server (drain with --min-up 3 --capacity-timeout,
     * then enable) twice, all at once on a backend of five: every call succeeds, the ones the
     * guard held back waiting their turn, and a sampler reading HAProxy every 20 ms never sees
     * fewer than three servers in rotation.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void fiveCallersCyclingWithCapacityTimeoutAllSucceedAndNeverGoBelowMinUp(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, 5);
        int minUp = 3;
        java.util.concurrent.atomic.AtomicInteger lowest = new java.util.concurrent.atomic.AtomicInteger(5);
        java.util.concurrent.atomic.AtomicInteger samples = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(280);
            while (sampling.get() && System.nanoTime() < end) {
                lowest.accumulateAndGet(hapc.testing.ServerStates.inRotation(haproxy, "web"), Math::min);
                samples.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rotation-sampler");
        sampler.start();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
            List<java.util.concurrent.Future<List<String>>> callers = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String server = "s" + i;
                callers.add(pool.submit(() -> {
                    List<String> answers = new ArrayList<>();
                    for (int cycle = 0; cycle < 2; cycle++) {
                        HapcProcess out = HapcProcess.run("-k", haproxy.adminSocket().toString(), "--state-dir",
                                stateDir.toString(), "drain-server", "-b", "web", "-s", server, "--min-up",
                                String.valueOf(minUp), "--capacity-timeout", "90");
                        answers.add(server + " drain: " + out.exit() + " " + out.stdout());
                        assertEquals(0, out.exit(), out.stdout() + out.stderr());
                        HapcProcess back = HapcProcess.run("-k", haproxy.adminSocket().toString(), "--state-dir",
                                stateDir.toString(), "enable-server", "-b", "web", "-s", server);
                        assertEquals(0, back.exit(), back.stdout() + back.stderr());
                    }
                    return answers;
                }));
            }
            for (var caller : callers) {
                caller.get(280, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            sampling.set(false);
            sampler.join(5000);
        }
        assertTrue(samples.get() > 10, "the sampler read HAProxy " + samples.get() + " times");
        assertTrue(lowest.get() >= minUp, "the sampler saw " + lowest.get() + " servers in rotation");
        for (int i = 1; i <= 5; i++) {
            assertEquals("ready", ServerStates.of(haproxy, "web", "s" + i));
        }
    }
}
