package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    private final Path stateDir = newStateDir();

    private static Path newStateDir() {
        try {
            return Files.createTempDirectory("hapc-state");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void removeStateDir() {
        HapcProcess.deleteTree(stateDir);
    }

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
}
