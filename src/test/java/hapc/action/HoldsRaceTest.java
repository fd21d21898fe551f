package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.ServerStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A drain by one owner and an enable by another, as two separate processes started at once on
 * a server the second one holds: whichever goes first, the server ends drained and held by the
 * first owner only. HAProxy's state (its socket) and the hold store (the file itself) must
 * agree after every round.
 */
class HoldsRaceTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    /** The lock and hold store of this test only (deleted afterwards). */
    @TempDir
    Path stateDir;

    private String[] call(HaproxyProcess haproxy, String... args) {
        List<String> all = new ArrayList<>(List.of("-k", haproxy.adminSocket().toString(), "--state-dir",
                stateDir.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void concurrentDrainAndEnableByTwoOwnersLeaveStateAndStoreAgreeing(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, "backend web\n    server s1 127.0.0.1:" + backend.port()
                + "\n    server s2 127.0.0.1:" + backend.port() + "\n");
        for (int round = 0; round < 4; round++) {
            HapcProcess held = HapcProcess.run(call(haproxy, "drain-server", "-b", "web", "-s", "s1", "--owner",
                    "bob", "--reason", "round " + round));
            assertEquals(0, held.exit(), held.stdout());
            long started = System.nanoTime();
            Process drain = HapcProcess.start(call(haproxy, "drain-server", "-b", "web", "-s", "s1", "--owner",
                    "alice"));
            Process enable = HapcProcess.start(call(haproxy, "enable-server", "-b", "web", "-s", "s1", "--owner",
                    "bob"));
            HapcProcess drained = HapcProcess.finish(drain, started, Duration.ofSeconds(60));
            HapcProcess enabled = HapcProcess.finish(enable, started, Duration.ofSeconds(60));
            assertEquals(0, drained.exit(), drained.stdout());
            assertEquals(0, enabled.exit(), enabled.stdout());
            assertEquals("drain", ServerStates.of(haproxy, "web", "s1"), "round " + round);
            assertEquals(List.of("alice"), owners("web/s1"), "round " + round + ": the store agrees");
            HapcProcess back = HapcProcess.run(call(haproxy, "enable-server", "-b", "web", "-s", "s1", "--owner",
                    "alice"));
            assertEquals(0, back.exit(), back.stdout());
            assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
            assertEquals(List.of(), owners("web/s1"));
        }
    }

    /** The owners holding a server, read from the hold store file itself. */
    private List<String> owners(String id) throws Exception {
        List<Path> stores;
        try (Stream<Path> files = Files.list(stateDir)) {
            stores = files.filter(f -> f.getFileName().toString().endsWith(".holds.json")).toList();
        }
        assertEquals(1, stores.size(), "one store for the one HAProxy: " + stores);
        JsonNode holds = new ObjectMapper().readTree(stores.get(0).toFile()).path("holds").path(id);
        List<String> owners = new ArrayList<>();
        holds.forEach(h -> owners.add(h.get("owner").asText()));
        return owners;
    }
}
