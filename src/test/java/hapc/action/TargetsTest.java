package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.FakeHaproxySocket;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Targets (contract 1.1): a server named without -b in every backend that has it, several
 * servers per call, all or nothing, and the capacity guard. Every claim is checked on HAProxy's
 * own state through the test's socket reader, not on hapc's answer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TargetsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    /** app1 is in http, https and api; app10 (a prefix neighbour) in http and api; spare in api. */
    private HaproxyProcess haproxy(String binary) {
        int port = live.backend().port();
        return live.start(binary, """
                backend http
                    server app1 127.0.0.1:%1$d
                    server app10 127.0.0.1:%1$d
                    server app2 127.0.0.1:%1$d
                backend https
                    server app1 127.0.0.1:%1$d
                    server app2 127.0.0.1:%1$d
                backend api
                    server app1 127.0.0.1:%1$d
                    server app10 127.0.0.1:%1$d
                    server spare 127.0.0.1:%1$d
                """.formatted(port));
    }

    private static List<String> targetIds(HapcRun run) {
        List<String> ids = new ArrayList<>();
        run.json().get("targets").forEach(t -> ids.add(t.get("backend").asText() + "/" + t.get("server").asText()));
        return ids;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withoutBackendTheServerIsDrainedInEveryBackendThatHasItAndNoNeighbour(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run(haproxy.hapcArgs("drain-server", "-s", "app1"));
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.changed());
        assertEquals(List.of("http/app1", "https/app1", "api/app1"), targetIds(run));
        for (String backend : List.of("http", "https", "api")) {
            assertEquals("drain", ServerStates.of(haproxy, backend, "app1"), backend);
        }
        assertEquals("ready", ServerStates.of(haproxy, "http", "app10"));
        assertEquals("ready", ServerStates.of(haproxy, "api", "app10"));
        assertFalse(run.json().has("before"), "several targets: no 1.0 top-level server fields");
        assertTrue(run.msg().contains("app1 in http, https, api"), run.msg());

        HapcRun again = HapcRun.run(haproxy.hapcArgs("drain-server", "-s", "app1"));
        assertEquals(0, again.exit(), again.stdout());
        assertFalse(again.changed(), "idempotent: " + again.stdout());

        HapcRun enable = HapcRun.run(haproxy.hapcArgs("enable-server", "-s", "app1"));
        assertEquals(0, enable.exit(), enable.stdout());
        assertTrue(enable.changed());
        for (String backend : List.of("http", "https", "api")) {
            assertEquals("ready", ServerStates.of(haproxy, backend, "app1"), backend);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withBackendOnlyThatBackendChangesAndTheAnswerKeepsTheOneTargetFields(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run(haproxy.hapcArgs("stop-server", "-b", "https", "-s", "app1"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals("maint", ServerStates.of(haproxy, "https", "app1"));
        assertEquals("ready", ServerStates.of(haproxy, "http", "app1"));
        assertEquals("ready", ServerStates.of(haproxy, "api", "app1"));
        assertEquals("https", run.json().get("backend").asText());
        assertEquals("maint", run.json().at("/after/admin_state").asText());
        assertEquals(List.of("https/app1"), targetIds(run));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void severalServersByCommandLineAndByJson(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcRun cli = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "http", "-s", "app1", "--server",
                "app2", "-s", "app1"));
        assertEquals(0, cli.exit(), cli.stdout());
        assertEquals(List.of("set server http/app1 state drain", "set server http/app2 state drain"), relay.changes());
        assertEquals(1, relay.connections().stream().filter(c -> String.join(";", c).contains("set server")).count(),
                "both writes in one line: " + relay.connections());
        assertEquals(List.of("http/app1", "http/app2"), targetIds(cli), "duplicates collapse");
        assertEquals("drain", ServerStates.of(haproxy, "http", "app1"));
        assertEquals("drain", ServerStates.of(haproxy, "http", "app2"));
        assertEquals("ready", ServerStates.of(haproxy, "https", "app2"));

        HapcRun json = HapcRun.runWithInput("{\"action\":\"stop-server\",\"server\":[\"app2\",\"spare\"]}",
                haproxy.hapcArgs("--json-in", "-"));
        assertEquals(0, json.exit(), json.stdout());
        assertEquals(List.of("http/app2", "https/app2", "api/spare"), targetIds(json));
        for (String id : List.of("http/app2", "https/app2", "api/spare")) {
            String[] parts = id.split("/");
            assertEquals("maint", ServerStates.of(haproxy, parts[0], parts[1]), id);
        }
        assertEquals("drain", ServerStates.of(haproxy, "http", "app1"), "not named: untouched");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void oneUnknownNameInTheListChangesNothing(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (String[] call : List.of(
                new String[] {"drain-server", "-s", "app1", "-s", "nope"},
                new String[] {"stop-server", "-b", "http", "-s", "app1", "-s", "spare"},
                new String[] {"enable-server", "-s", "app"})) {
            HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, call));
            assertEquals(2, run.exit(), run.stdout());
            assertEquals("not_found", run.errorKind(), run.stdout());
            assertFalse(relay.commands().isEmpty(), "the names were looked up: " + String.join(" ", call));
            assertEquals(List.of(), relay.changes(), "nothing written: " + String.join(" ", call));
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), String.join(" ", call));
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theCapacityGuardRefusesOnOneBackendOfSeveralAndAllowsALowerMinimum(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        // https has app1 and app2 only: draining app1 leaves 1 there, 2 in http and in api.
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (boolean checkMode : new boolean[] {true, false}) {
            List<String> call = new ArrayList<>(List.of("drain-server", "-s", "app1", "--min-up", "2"));
            if (checkMode) {
                call.add("-C");
            }
            HapcRun refused = HapcRun.run(haproxy.hapcArgsThrough(relay, call.toArray(new String[0])));
            assertEquals(1, refused.exit(), refused.stdout());
            assertEquals("capacity", refused.errorKind(), refused.stdout());
            assertFalse(refused.changed(), "a refusal changes nothing: " + refused.stdout());
            assertTrue(refused.msg().contains("backend 'https' would have 1 server up"), refused.msg());
            assertFalse(refused.msg().contains("'http'"), refused.msg());
            assertEquals(List.of(), relay.changes(), "nothing written, check mode " + checkMode);
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), "nothing changed, check mode " + checkMode);
        }

        HapcRun allowed = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-s", "app1", "--min-up", "1"));
        assertEquals(0, allowed.exit(), allowed.stdout());
        assertEquals(List.of("set server http/app1 state drain", "set server https/app1 state drain",
                "set server api/app1 state drain"), relay.changes(), "each target written once");
        for (String backend : List.of("http", "https", "api")) {
            assertEquals("drain", ServerStates.of(haproxy, backend, "app1"), backend);
        }
        JsonNode capacity = allowed.json().get("capacity");
        assertEquals(3, capacity.size(), allowed.stdout());

        // app2 is the last one up in https now: the guard counts the drained app1 as out already
        HapcRun last = HapcRun.run(haproxy.hapcArgs("stop-server", "-b", "https", "-s", "app2", "--min-up", "1"));
        assertEquals("capacity", last.errorKind(), last.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "https", "app2"));
        // a server already out is no outage: re-running the done drain passes the guard
        HapcRun rerun = HapcRun.run(haproxy.hapcArgs("drain-server", "-s", "app1", "--min-up", "5"));
        assertEquals(0, rerun.exit(), rerun.stdout());
        assertFalse(rerun.changed());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeReportsEveryTargetAndChangesNothing(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (String action : List.of("drain-server", "stop-server", "enable-server")) {
            HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, action, "-s", "app1", "-s", "app10", "-C"));
            assertEquals(List.of(), relay.changes(), "only reads in check mode: " + action);
            assertEquals(0, run.exit(), run.stdout());
            assertEquals(5, run.json().get("targets").size(), run.stdout());
            assertEquals(!action.equals("enable-server"), run.changed(), run.stdout());
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), action);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkSafeAndListConnectionsOverEveryBackend(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun notSafe = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-s", "app1"));
        assertEquals(3, notSafe.exit(), notSafe.stdout());
        assertEquals(3, notSafe.json().get("targets").size());
        HapcRun.run(haproxy.hapcArgs("drain-server", "-b", "http", "-s", "app1"));
        HapcRun partly = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-s", "app1"));
        assertEquals(3, partly.exit(), partly.stdout());
        assertTrue(partly.json().at("/targets/0/safe").asBoolean(), partly.stdout());
        assertFalse(partly.json().at("/targets/1/safe").asBoolean(), partly.stdout());
        HapcRun.run(haproxy.hapcArgs("drain-server", "-s", "app1"));
        HapcRun safe = HapcRun.run(haproxy.hapcArgs("check-safe-to-remove", "-s", "app1"));
        assertEquals(0, safe.exit(), safe.stdout());
        assertTrue(safe.json().get("safe").asBoolean());

        HapcRun connections = HapcRun.run(haproxy.hapcArgs("list-connections", "-s", "app10"));
        assertEquals(0, connections.exit(), connections.stdout());
        assertEquals(List.of("http/app10", "api/app10"), targetIds(connections));
        assertEquals(0, connections.json().get("sessions").asInt());
    }

    /**
     * A write HAProxy refuses half-way: between hapc's read and its write, another client deletes
     * one of the two targets. The other is drained; the answer says per target what was applied.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aWriteRefusedHalfWayIsReportedPerTarget(String binary) {
        // Listed in tests/skips.txt: the premise is a server deleted at runtime.
        Assumptions.assumeFalse(HaproxyVersions.majorMinor(binary).equals("2.2"),
                "HAProxy 2.2 has no 'del server': no server vanishes between hapc's read and its write");
        HaproxyProcess haproxy = haproxy(binary);
        java.nio.file.Path real = haproxy.adminSocket();
        try (FakeHaproxySocket relay = new FakeHaproxySocket((connection, line) -> {
            if (line.contains("set server")) {
                RawSocket.ask(real, "set server http/app2 state maint");
                RawSocket.ask(real, "del server http/app2");
            }
            return RawSocket.ask(real, line.strip()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        })) {
            HapcRun run = HapcRun.run("-k", relay.path().toString(), "drain-server", "-b", "http", "-s", "app1", "-s",
                    "app2");
            assertEquals(1, run.exit(), run.stdout());
            assertTrue(run.failed());
            assertEquals(List.of("http/app1", "http/app2"), targetIds(run));
            assertFalse(run.json().at("/targets/0/failed").asBoolean(), run.stdout());
            assertEquals("drain", run.json().at("/targets/0/after/admin_state").asText());
            assertTrue(run.json().at("/targets/1/failed").asBoolean(), run.stdout());
            assertTrue(run.json().at("/targets/1/error").asText().contains("http/app2"), run.stdout());
            assertEquals("drain", ServerStates.of(haproxy, "http", "app1"), "the other target was applied");
        }
    }

    /**
     * 10,000 backends, the server s2 in every one: drain it everywhere in one call, check every
     * backend on HAProxy's own socket, enable it again. Bounded by the class timeout, not timed.
     * On the relay: each call reads at most one whole dump (`show servers state`) and never the
     * whole `show stat`: every stats question names a server id.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void tenThousandTargetsInOneCall(String binary) {
        int backends = 10_000;
        StringBuilder config = new StringBuilder();
        int port = live.backend().port();
        for (int b = 0; b < backends; b++) {
            config.append("backend be").append(b).append('\n');
            for (int s = 1; s <= 3; s++) {
                config.append("    server s").append(s).append(" 127.0.0.1:").append(port).append('\n');
            }
        }
        HaproxyProcess haproxy = live.start(binary, config.toString());

        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun drain = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-s", "s2"));
        assertEquals(0, drain.exit(), drain.stderr());
        assertEquals(backends, drain.json().get("targets").size());
        String states = RawSocket.serversState(haproxy.adminSocket());
        assertEquals(backends, countState(states, "s2", 0x08), "every s2 drained, on HAProxy's own socket");
        assertEquals(0, countState(states, "s1", 0x08) + countState(states, "s3", 0x08), "no other server touched");
        assertReadsOnlyWhatTheTargetsNeed(relay.commands());

        relay.clear();
        HapcRun enable = HapcRun.run(haproxy.hapcArgsThrough(relay, "enable-server", "-s", "s2"));
        assertEquals(0, enable.exit(), enable.stderr());
        assertEquals(0, countState(RawSocket.serversState(haproxy.adminSocket()), "s2", 0x08));
        assertReadsOnlyWhatTheTargetsNeed(relay.commands());
    }

    /**
     * 40 backends (more than are read one by one), the target t at a different position (server
     * id) in each: its stats are asked per target by backend and server id, and every answer's
     * status is t's own (DRAIN after the drain; another server's row would read "no check").
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void statsOfTargetsAtDifferentIdsAreTheirOwn(String binary) {
        int backends = 40;
        int port = live.backend().port();
        StringBuilder config = new StringBuilder();
        for (int b = 0; b < backends; b++) {
            config.append("backend be").append(b).append('\n');
            for (int f = 1; f <= b % 5; f++) {
                config.append("    server f").append(f).append(" 127.0.0.1:").append(port).append('\n');
            }
            config.append("    server t 127.0.0.1:").append(port).append('\n');
            config.append("    server last 127.0.0.1:").append(port).append('\n');
        }
        HaproxyProcess haproxy = live.start(binary, config.toString());
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun drain = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-s", "t"));
        assertEquals(0, drain.exit(), drain.stderr());
        assertEquals(backends, drain.json().get("targets").size());
        for (int b = 0; b < backends; b++) {
            assertEquals("drain", ServerStates.of(haproxy, "be" + b, "t"), "be" + b + "/t on HAProxy's socket");
            assertEquals("ready", ServerStates.of(haproxy, "be" + b, "last"), "be" + b + "/last untouched");
        }
        for (JsonNode target : drain.json().get("targets")) {
            assertEquals("no check", target.at("/before/status").asText(), target.toString());
            assertEquals("DRAIN", target.at("/after/status").asText(), target.toString());
        }
        List<String> stats = relay.commands().stream().filter(c -> c.startsWith("show stat")).toList();
        assertEquals(2 * backends, stats.size(), "one stats question per target, before and after: " + stats);
        stats.forEach(c -> assertTrue(c.matches("show stat \\d+ 4 \\d+"), "not one server of one backend: " + c));
    }

    /** At most one whole state dump, no whole stats dump, every `show stat` for one server id. */
    private static void assertReadsOnlyWhatTheTargetsNeed(List<String> commands) {
        long wholeStates = commands.stream().filter(c -> c.equals("show servers state")).count();
        assertTrue(wholeStates <= 1, wholeStates + " whole 'show servers state' in one call");
        List<String> stats = commands.stream().filter(c -> c.startsWith("show stat")).toList();
        assertFalse(stats.isEmpty(), "the targets' stats were read");
        stats.forEach(c -> assertTrue(c.matches("show stat -?\\d+ 4 \\d+"), "not one server id: " + c));
    }

    /** How many rows of `show servers state` for that server name have the admin bit set. */
    private static int countState(String serversState, String server, int bit) {
        int count = 0;
        String[] header = null;
        for (String line : serversState.split("\n")) {
            if (line.startsWith("# ")) {
                header = line.substring(2).split(" ");
                continue;
            }
            String[] fields = line.split(" ");
            if (header == null || fields.length < header.length - 2) {
                continue;
            }
            int name = List.of(header).indexOf("srv_name");
            int admin = List.of(header).indexOf("srv_admin_state");
            if (fields[name].equals(server) && (Integer.parseInt(fields[admin]) & bit) != 0) {
                count++;
            }
        }
        return count;
    }
}
