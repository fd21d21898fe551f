package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.TcpListen;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime actions against a real HAProxy of every version. Every claim is checked on
 * HAProxy's own state through {@link RawSocket}, not on hapc's answer, and what hapc sent on
 * what crossed the {@link RecordingRelay}s it talks through (admin socket and master CLI).
 */
class RuntimeActionsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    private TcpListen db;
    /** Between hapc and the admin socket / master CLI of the test's HAProxy: what was sent. */
    private RecordingRelay admin;
    private RecordingRelay master;

    private HaproxyProcess haproxy(String binary) {
        db = TcpListen.db(backend.port());
        HaproxyProcess haproxy = live.start(binary, """
                frontend fe
                    bind 127.0.0.1:%1$d
                    default_backend web
                backend web
                    server web-1 127.0.0.1:%2$d
                    server web-10 127.0.0.1:%2$d
                    server off 127.0.0.1:%2$d disabled
                backend other
                    server web-1 127.0.0.1:%2$d
                """.formatted(Ports.free(), backend.port()) + db.section());
        admin = live.relay(haproxy.adminSocket());
        master = live.relay(haproxy.masterSocket());
        return haproxy;
    }

    /** -k and --master-socket through the relays, then the rest. */
    private String[] args(HaproxyProcess haproxy, String... rest) {
        String[] all = new String[rest.length + 4];
        all[0] = "-k";
        all[1] = admin.path().toString();
        all[2] = "--master-socket";
        all[3] = master.path().toString();
        System.arraycopy(rest, 0, all, 4, rest.length);
        return all;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listServersReportsEveryServerWithItsStateFromTheBitSet(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run(args(haproxy, "list-servers", "-b", "web", "-d"));
        assertEquals(0, run.exit(), run.stdout());
        JsonNode servers = run.json().get("servers");
        assertEquals(List.of("web-1", "web-10", "off"), names(servers));
        assertEquals("ready", servers.get(0).get("admin_state").asText());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
        // 'disabled' in the config: HAProxy sets forced maint + the config marker (0x05).
        assertEquals(5, RawSocket.adminBits(haproxy.adminSocket(), "web", "off"));
        assertEquals("maint", servers.get(2).get("admin_state").asText());
        assertEquals("config", servers.get(2).get("admin_state_source").asText());
        assertEquals(backend.port(), servers.get(0).get("port").asInt());
        assertEquals("127.0.0.1", servers.get(0).get("address").asText());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listServersWithoutDetailsGivesNames(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run(args(haproxy, "list-servers", "-b", "other"));
        assertEquals(0, run.exit());
        assertEquals(List.of("web-1"), names(run.json().get("servers")));
        assertFalse(run.json().get("servers").get(0).has("admin_state"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listBackendsListsTheRunningBackends(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run(args(haproxy, "list-backends"));
        assertEquals(0, run.exit());
        List<String> expected = new ArrayList<>();
        List<String> internal = new ArrayList<>();
        for (String line : RawSocket.ask(haproxy.adminSocket(), "show backend").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                // HAProxy's own proxies: 2.2's master CLI proxy, 2.5+'s <HTTPCLIENT> and the like
                (line.strip().equals("MASTER") || line.startsWith("<") ? internal : expected).add(line.strip());
            }
        }
        assertEquals(expected, names(run.json().get("backends")));
        if (HaproxyVersions.majorMinor(binary).equals("2.2")) {
            assertEquals(List.of("MASTER"), internal, "a 2.2 worker lists the master CLI's proxy, hapc does not");
        }
        assertTrue(expected.containsAll(List.of("web", "other", "db")), expected.toString());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainChangesOnlyTheNamedServerOfTheNamedBackendAndIsIdempotent(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun first = HapcRun.run(args(haproxy, "drain-server", "-b", "web", "-s", "web-1"));
        assertEquals(0, first.exit(), first.stdout());
        assertTrue(first.changed());
        assertEquals(List.of("set server web/web-1 state drain"), admin.changes(), "the one write, sent once");
        assertEquals(List.of(), master.changes());
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-10"), "prefix match");
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "other", "web-1"), "same name, other backend");
        assertEquals("ready", first.json().at("/before/admin_state").asText());
        assertEquals("drain", first.json().at("/after/admin_state").asText());
        assertEquals("drain", first.json().at("/diff/after/admin_state").asText());

        String stateBefore = RawSocket.serversState(haproxy.adminSocket());
        admin.clear();
        master.clear();
        HapcRun second = HapcRun.run(args(haproxy, "-v", "drain-server", "-b", "web", "-s", "web-1"));
        assertEquals(0, second.exit());
        assertFalse(second.changed());
        assertEquals(List.of(), admin.changes(), "nothing is sent when already drained: " + admin.commands());
        assertEquals(List.of(), master.changes());
        assertEquals(stateBefore, RawSocket.serversState(haproxy.adminSocket()));
        // --verbose traces exactly the lines that went out, no more, no less.
        List<String> traced = second.stderr().lines().filter(l -> l.contains("-> "))
                .map(l -> l.substring(l.indexOf(": ", l.indexOf("-> ")) + 2)).toList();
        List<String> sent = new ArrayList<>(admin.connections().stream().flatMap(List::stream).toList());
        sent.addAll(master.connections().stream().flatMap(List::stream).toList());
        assertFalse(sent.isEmpty());
        assertEquals(sent.stream().sorted().toList(), traced.stream().sorted().toList(), second.stderr());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void enableBringsBackAConfigDisabledServerAndTheLeftoverConfigBitMeansReady(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun enable = HapcRun.run(args(haproxy, "enable-server", "-b", "web", "-s", "off"));
        assertEquals(0, enable.exit(), enable.stdout());
        assertTrue(enable.changed());
        assertEquals(List.of("set server web/off state ready"), admin.changes());
        // HAProxy keeps 0x04 as a marker after 'state ready'; the server is in rotation.
        assertEquals(0x04, RawSocket.adminBits(haproxy.adminSocket(), "web", "off"));
        assertEquals("ready", enable.json().at("/after/admin_state").asText());

        admin.clear();
        HapcRun again = HapcRun.run(args(haproxy, "enable-server", "-b", "web", "-s", "off"));
        assertEquals(0, again.exit());
        assertFalse(again.changed(), "0x04 alone is ready: nothing to do");
        assertEquals(List.of(), admin.changes(), "and nothing sent");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeSendsNothingThatChangesHaproxyButSaysWhatWouldChange(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");
        String before = RawSocket.serversState(haproxy.adminSocket());

        HapcRun drain = HapcRun.run(args(haproxy, "-C", "drain-server", "-b", "web", "-s", "web-1", "-w"));
        HapcRun stop = HapcRun.run(args(haproxy, "--check", "stop-server", "-b", "db", "-s", "db1"));
        HapcRun enable = HapcRun.run(args(haproxy, "-C", "enable-server", "-b", "web", "-s", "off"));

        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"), "check mode killed no session");
        assertTrue(admin.readServersState(), admin.commands().toString());
        assertEquals(List.of(), admin.changes(), "check mode: only reads on the admin socket");
        assertEquals(List.of(), master.changes(), "check mode: only reads on the master CLI");
        for (HapcRun run : List.of(drain, stop, enable)) {
            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.changed(), run.stdout());
            assertTrue(run.json().get("check_mode").asBoolean());
        }
        assertEquals("drain", drain.json().at("/after/admin_state").asText());
        assertEquals("maint", stop.json().at("/after/admin_state").asText());
        assertEquals(0, stop.json().at("/after/sessions").asInt());
        assertEquals(1, stop.json().at("/before/sessions").asInt());
        assertEquals("ready", enable.json().at("/after/admin_state").asText());
        assertTrue(client.isConnected());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aHeldTcpSessionIsCountedBlocksRemovalAndIsKilledByStop(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");

        HapcRun connections = HapcRun.run(args(haproxy, "list-connections", "-b", "db", "-s", "db1"));
        assertEquals(0, connections.exit());
        assertEquals(1, connections.json().get("sessions").asInt());

        HapcRun.run(args(haproxy, "drain-server", "-b", "db", "-s", "db1"));
        HapcRun check = HapcRun.run(args(haproxy, "check-safe-to-remove", "-b", "db", "-s", "db1"));
        assertEquals(3, check.exit(), check.stdout());
        assertFalse(check.json().get("safe").asBoolean());
        assertEquals(1, check.json().get("sessions").asInt());
        assertTrue(check.json().get("reasons").get(0).asText().contains("1 session"), check.stdout());

        admin.clear();
        HapcRun stop = HapcRun.run(args(haproxy, "stop-server", "-b", "db", "-s", "db1"));
        assertEquals(0, stop.exit(), stop.stdout());
        assertTrue(stop.json().get("sessions_killed").asBoolean());
        assertEquals(List.of("set server db/db1 state maint", "shutdown sessions server db/db1"), admin.changes());
        haproxy.awaitSessions("db", "db1", 0);
        assertEquals(0x01, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1") & 0x01);
        assertEquals(-1, client.getInputStream().read(), "the client saw its connection closed");

        HapcRun safe = HapcRun.run(args(haproxy, "check-safe-to-remove", "-b", "db", "-s", "db1"));
        assertEquals(0, safe.exit(), safe.stdout());
        assertTrue(safe.json().get("safe").asBoolean());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkSafeToRemoveSaysNotSafeForAReadyServerWithoutSessions(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun check = HapcRun.run(args(haproxy, "check-safe-to-remove", "-b", "web", "-s", "web-1"));
        assertEquals(3, check.exit());
        assertTrue(check.json().get("reasons").get(0).asText().contains("ready"));
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainWaitReturnsSoonAfterTheLastSessionEnds(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        Socket client = db.holdSession(haproxy, "db1");

        CompletableFuture<HapcRun> drain = CompletableFuture.supplyAsync(
                () -> HapcRun.run(args(haproxy, "drain-server", "-b", "db", "-s", "db1", "-w", "-t", "20")));
        assertTrue(HaproxyProcess.waitUntil(java.time.Duration.ofSeconds(10),
                () -> RawSocket.adminBits(haproxy.adminSocket(), "db", "db1") == 0x08));
        Thread.sleep(500);
        assertFalse(drain.isDone(), "the wait must not end while the session is open");
        long closed = System.nanoTime();
        client.close();
        HapcRun run = drain.get(15, TimeUnit.SECONDS);
        long afterClose = (System.nanoTime() - closed) / 1_000_000;

        assertEquals(0, run.exit(), run.stdout());
        assertEquals(0, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"));
        assertEquals(0, run.json().get("sessions_left").asInt());
        assertTrue(run.json().get("waited").asBoolean());
        assertTrue(afterClose < 500, "returned " + afterClose + " ms after the session ended");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainWaitTimesOutWithExit1AndLeavesTheServerDrained(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        db.holdSession(haproxy, "db1");
        long start = System.nanoTime();
        HapcRun run = HapcRun.run(args(haproxy, "drain-server", "-b", "db", "-s", "db1", "--wait", "--timeout", "1"));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("timeout", run.errorKind());
        assertTrue(run.msg().contains("stays drained"), run.msg());
        assertEquals(1, run.json().get("sessions_left").asInt());
        assertTrue(run.changed(), "the drain itself happened");
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"));
        assertTrue(tookMillis >= 1000 && tookMillis < 5000, "took " + tookMillis + " ms");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void unknownBackendOrServerIsExit2AndChangesNothing(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (String[] bad : List.of(
                new String[] {"drain-server", "-b", "nosuch", "-s", "web-1"},
                new String[] {"drain-server", "-b", "web", "-s", "web-100"},
                new String[] {"stop-server", "-b", "web", "-s", "web"},
                new String[] {"enable-server", "-b", "fe", "-s", "web-1"},
                new String[] {"list-servers", "-b", "nosuch"},
                new String[] {"check-safe-to-remove", "-b", "web", "-s", "nosuch"})) {
            HapcRun run = HapcRun.run(args(haproxy, bad));
            assertEquals(2, run.exit(), run.stdout());
            assertEquals("not_found", run.errorKind(), run.stdout());
            assertTrue(run.msg().contains("no backend") || run.msg().contains("no server"), run.msg());
        }
        assertEquals(List.of(), admin.changes(), "only reads: " + admin.commands());
        assertEquals(List.of(), master.changes());
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void illegalNamesAreRefusedBeforeAnythingIsSent(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (String name : List.of("web-1; set server web/web-10 state maint", "web/web-1", "a b", "x\ny", "")) {
            HapcRun run = HapcRun.run(args(haproxy, "-v", "stop-server", "-b", "web", "-s", name));
            assertEquals(2, run.exit(), run.stdout());
            assertEquals("invalid_request", run.errorKind());
            assertTrue(run.msg().startsWith("server name"), run.msg());
            assertEquals("", run.stderr(), "no stack trace (and no trace of an exchange under -v)");
        }
        assertEquals(List.of(), admin.connections(), "nothing was sent");
        assertEquals(List.of(), master.connections(), "nothing was sent");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aUserLevelSocketGivesAPermissionError(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun run = HapcRun.run("-k", haproxy.userSocket().toString(), "drain-server", "-b", "web", "-s", "web-1");
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("permission", run.errorKind());
        assertTrue(run.msg().contains("level admin"), run.msg());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theJsonRequestPathDoesTheSameAsTheCommandLine(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String request = """
                {"action": "drain-server", "backend": "web", "server": "web-10",
                 "socket": "%s", "master_socket": "%s", "socket_timeout": 5}
                """.formatted(haproxy.adminSocket(), haproxy.masterSocket());
        HapcRun run = HapcRun.runWithInput(request, "--json-in", "-");
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(run.changed());
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-10"));

        HapcRun conflict = HapcRun.runWithInput(request, "--json-in", "-", "-k", "/tmp/x.sock");
        assertEquals(2, conflict.exit());
        assertTrue(conflict.msg().contains("socket"), conflict.msg());

        HapcRun cliSocket = HapcRun.runWithInput(
                "{\"action\":\"enable-server\",\"backend\":\"web\",\"server\":\"web-10\"}",
                "--json-in", "-", "-k", haproxy.adminSocket().toString());
        assertEquals(0, cliSocket.exit(), cliSocket.stdout());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-10"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theAdminSocketIsFoundInTheConfigAndTcpSocketsWork(String binary) throws Exception {
        int cliPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary,
                "    stats socket ipv4@127.0.0.1:%d level admin\n".formatted(cliPort),
                TcpListen.db(backend.port()).section());

        HapcRun viaTcp = HapcRun.run("-k", "ipv4@127.0.0.1:" + cliPort, "drain-server", "-b", "db", "-s", "db1");
        assertEquals(0, viaTcp.exit(), viaTcp.stdout());
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));

        // The fixture's config lists a user-level socket too; only the admin one may be chosen.
        HapcRun viaConfig = HapcRun.run("-c", haproxy.config().toString(), "-v", "--master-socket",
                haproxy.masterSocket().toString(), "enable-server", "-b", "db", "-s", "db1");
        assertEquals(0, viaConfig.exit(), viaConfig.stdout());
        assertTrue(viaConfig.stderr().contains("admin socket from the config")
                && viaConfig.stderr().contains(": " + haproxy.adminSocket() + "\n"), viaConfig.stderr());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aMasterSocketOfAnotherHaproxyIsRefused(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HaproxyProcess other = live.start(binary, "backend web\n    server web-1 127.0.0.1:%d\n"
                .formatted(backend.port()));
        HapcRun run = HapcRun.run("-k", haproxy.adminSocket().toString(), "--master-socket",
                other.masterSocket().toString(), "list-connections", "-b", "web", "-s", "web-1");
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("socket", run.errorKind());
        assertTrue(run.msg().contains("another HAProxy"), run.msg());
    }

    private static List<String> names(JsonNode items) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.get("name").asText()));
        return names;
    }
}
