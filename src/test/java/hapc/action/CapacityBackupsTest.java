package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19: what the capacity guard counts. A backup server is no capacity (it takes traffic
 * only once every active server is down) unless the backend has {@code option allbackups}, read
 * from haproxy.cfg given with -c; without -c the guard never counts backups. A server in
 * maintenance does not count either. The answer's capacity[] says per server why not. Refusals
 * are proven on the relay (nothing sent) and on HAProxy's socket (state unchanged).
 */
class CapacityBackupsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();

    private HaproxyProcess haproxy(String binary, boolean allBackups) {
        String port = String.valueOf(backend.port());
        return live.start(binary, "backend web\n"
                + (allBackups ? "    option allbackups\n" : "")
                + "    server s1 127.0.0.1:" + port + "\n"
                + "    server s2 127.0.0.1:" + port + "\n"
                + "    server s3 127.0.0.1:" + port + "\n"
                + "    server b1 127.0.0.1:" + port + " backup\n");
    }

    private static HapcProcess drain(RecordingRelay relay, HaproxyProcess haproxy, boolean withConfig, String server,
            String minUp) {
        List<String> args = new java.util.ArrayList<>(List.of("-k", relay.path().toString(), "--state-dir",
                haproxy.dir().resolve("state").toString()));
        if (withConfig) {
            args.addAll(List.of("-c", haproxy.config().toString()));
        }
        args.addAll(List.of("drain-server", "-b", "web", "-s", server, "--min-up", minUp));
        return HapcProcess.run(args.toArray(String[]::new));
    }

    private static String why(JsonNode capacity, String server) {
        for (JsonNode one : capacity.get(0).get("not_counted")) {
            if (one.get("server").asText().equals(server)) {
                return one.get("why").asText();
            }
        }
        return null;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void backupsAndServersInMaintenanceAreNoCapacityWithoutAllbackups(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, false);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcProcess stopped = HapcProcess.run("-k", haproxy.adminSocket().toString(), "--state-dir",
                haproxy.dir().resolve("state").toString(), "stop-server", "-b", "web", "-s", "s3");
        assertEquals(0, stopped.exit(), stopped.stdout());
        for (boolean withConfig : List.of(false, true)) {
            relay.clear();
            // s1 and s2 count (s3 in maint, b1 a backup): draining s1 leaves 1 < 2
            HapcProcess refused = drain(relay, haproxy, withConfig, "s1", "2");
            assertEquals(1, refused.exit(), refused.stdout());
            assertEquals("capacity", refused.errorKind(), refused.stdout());
            assertEquals(false, refused.json().get("changed").asBoolean());
            JsonNode capacity = refused.json().get("capacity");
            assertEquals(2, capacity.get(0).get("up_before").asInt(), refused.stdout());
            assertTrue(why(capacity, "b1").startsWith("backup server"), refused.stdout());
            assertTrue(why(capacity, "s3").contains("maint"), refused.stdout());
            assertEquals(List.of(), relay.changes(), "nothing sent when refused");
            assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withOptionAllbackupsInTheGivenConfigBackupsCount(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary, true);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        // without -c the option is unknown: s1, s2, s3 count, draining s1 leaves 2 < 3
        HapcProcess refused = drain(relay, haproxy, false, "s1", "3");
        assertEquals("capacity", refused.errorKind(), refused.stdout());
        assertEquals(List.of(), relay.changes(), "nothing sent when refused");
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        // with -c the backup counts too: 4 up, 3 after
        HapcProcess allowed = drain(relay, haproxy, true, "s1", "3");
        assertEquals(0, allowed.exit(), allowed.stdout() + allowed.stderr());
        JsonNode capacity = allowed.json().get("capacity");
        assertEquals(4, capacity.get(0).get("up_before").asInt(), allowed.stdout());
        assertTrue(capacity.get(0).get("source").asText().contains("allbackups set"), allowed.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
        assertEquals(1, relay.changes().size(), relay.changes().toString());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void downAndWeightZeroServersAreNoCapacity(String binary) throws Exception {
        String port = String.valueOf(backend.port());
        int closed = hapc.testing.Ports.free();
        HaproxyProcess haproxy = live.start(binary, "backend web\n"
                + "    server s1 127.0.0.1:" + port + "\n"
                + "    server s2 127.0.0.1:" + port + "\n"
                + "    server s3 127.0.0.1:" + closed + " check inter 100 fall 1 rise 1\n"
                + "    server s4 127.0.0.1:" + port + " weight 0\n");
        assertTrue(HaproxyProcess.waitUntil(java.time.Duration.ofSeconds(20), () -> hapc.testing.RawSocket.stateColumn(
                haproxy.adminSocket(), "web", "s3", "srv_op_state") == 0), "s3 goes down (nothing listens)");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        // s1 and s2 count; s3 is down, s4 has weight 0: draining s1 leaves 1 < 2
        HapcProcess refused = drain(relay, haproxy, false, "s1", "2");
        assertEquals(1, refused.exit(), refused.stdout());
        assertEquals("capacity", refused.errorKind(), refused.stdout());
        JsonNode capacity = refused.json().get("capacity");
        assertEquals(2, capacity.get(0).get("up_before").asInt(), refused.stdout());
        assertTrue(why(capacity, "s3").contains("down"), refused.stdout());
        assertEquals("weight 0", why(capacity, "s4"), refused.stdout());
        assertEquals(List.of(), relay.changes(), "nothing sent when refused");
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        // with --min-up 1 the same drain goes through
        HapcProcess allowed = drain(relay, haproxy, false, "s1", "1");
        assertEquals(0, allowed.exit(), allowed.stdout() + allowed.stderr());
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
    }
}
