package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hapc.model.AdminBits;
import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reload-haproxy against a real HAProxy in master-worker mode. Every claim is checked on
 * HAProxy itself (master CLI and admin socket read by the tests' own raw socket), never on
 * hapc's answer alone.
 */
class ReloadHaproxyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String proxies(int frontendPort, int serverPort) {
        return """
                frontend fe
                    bind 127.0.0.1:%1$d
                    default_backend be
                backend be
                    server s1 127.0.0.1:%2$d
                    server s2 127.0.0.1:%2$d
                    server s3 127.0.0.1:%2$d
                """.formatted(frontendPort, serverPort);
    }

    private static HapcRun reload(HaproxyProcess haproxy, String... extra) {
        List<String> args = new ArrayList<>(List.of("reload-haproxy", "-c", haproxy.config().toString(),
                "--master-socket", haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary()));
        args.addAll(List.of(extra));
        return HapcRun.run(args.toArray(String[]::new));
    }

    private static void set(HaproxyProcess haproxy, String server, String state) {
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server be/" + server + " state " + state).trim());
    }

    private static int bits(HaproxyProcess haproxy, String server) {
        return RawSocket.adminBits(haproxy.adminSocket(), "be", server);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void goodReloadKeepsDrainedAndStoppedServersAndStartsANewWorker(String binary) {
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(Ports.free(), server.port()))) {
            set(haproxy, "s1", "drain");
            set(haproxy, "s3", "maint");
            int before = Procs.currentWorker(haproxy.masterSocket());

            HapcRun run = reload(haproxy);

            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.changed());
            assertEquals("master_cli", run.json().get("method").asText());
            int after = Procs.currentWorker(haproxy.masterSocket());
            assertNotEquals(before, after, "a new worker took over");
            assertEquals(after, Procs.adminPid(haproxy.adminSocket()), "the admin socket reaches the new worker");
            assertEquals(1, Procs.masterCounters(haproxy.masterSocket())[0]);
            assertTrue((bits(haproxy, "s1") & AdminBits.FORCED_DRAIN) != 0, "s1 still drained");
            assertTrue((bits(haproxy, "s3") & AdminBits.FORCED_MAINT) != 0, "s3 still in maintenance");
            assertEquals(0, bits(haproxy, "s2"), "s2 untouched");
            assertEquals(MAPPER.valueToTree(List.of(
                    Map.of("backend", "be", "server", "s1", "admin_state", "drain", "how", "reapplied"),
                    Map.of("backend", "be", "server", "s3", "admin_state", "maint", "how", "reapplied"))),
                    sorted(run.json().get("states_restored")));
            assertTrue(run.json().get("validated").get("valid").asBoolean());
            assertTrue(run.json().get("workers_after").toString().contains("\"pid\":" + after), run.stdout());
            assertTrue(run.json().get("workers_before").toString().contains("\"pid\":" + before), run.stdout());

            // Idempotent for states: a second reload gives the same states back again.
            HapcRun again = reload(haproxy);
            assertEquals(0, again.exit(), again.stdout());
            assertTrue((bits(haproxy, "s1") & AdminBits.FORCED_DRAIN) != 0);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void brokenConfigIsRefusedAndTheOldWorkerIsUntouched(String binary) throws Exception {
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(Ports.free(), server.port()))) {
            set(haproxy, "s1", "drain");
            int before = Procs.currentWorker(haproxy.masterSocket());
            String statesBefore = RawSocket.serversState(haproxy.adminSocket());
            Files.writeString(haproxy.config(), Files.readString(haproxy.config()) + "    bogus-keyword here\n");

            HapcRun run = reload(haproxy);

            assertEquals(1, run.exit(), run.stdout());
            assertEquals("config", run.errorKind());
            assertEquals("none", run.json().get("method").asText());
            assertFalse(run.json().get("validated").get("valid").asBoolean());
            assertTrue(run.json().get("validated").get("output").toString().contains("bogus-keyword"), run.stdout());
            assertTrue(run.msg().contains("bogus-keyword"), run.msg());
            assertEquals(before, Procs.currentWorker(haproxy.masterSocket()), "same worker");
            assertEquals(List.of(), Procs.pids(haproxy.masterSocket(), "old workers"));
            assertEquals(0, Procs.masterCounters(haproxy.masterSocket())[0], "no reload was even attempted");
            assertEquals(before, Procs.adminPid(haproxy.adminSocket()), "the old worker still answers");
            assertEquals(statesBefore, RawSocket.serversState(haproxy.adminSocket()));
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void reloadFailingInHaproxyIsReportedAndTheOldWorkerKeepsRunning(String binary) throws Exception {
        try (BackendServer server = new BackendServer();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(Ports.free(), server.port()))) {
            set(haproxy, "s1", "drain");
            int before = Procs.currentWorker(haproxy.masterSocket());
            // Valid for 'haproxy -c' (which binds nothing), fatal when the new worker binds.
            Files.writeString(haproxy.config(), Files.readString(haproxy.config())
                    + "frontend extra\n    bind 127.0.0.1:" + taken.getLocalPort() + "\n    default_backend be\n");

            HapcRun run = reload(haproxy);

            assertEquals(1, run.exit(), run.stdout());
            assertEquals("reload", run.errorKind(), run.stdout());
            assertTrue(run.json().get("validated").get("valid").asBoolean());
            if (HaproxyVersions.majorMinor(binary).equals("2.2")) {
                // Before 2.5 the master falls into wait mode: no current worker, the previous one
                // still running as an old worker; the failed worker took the admin socket's path.
                assertEquals(List.of(), Procs.pids(haproxy.masterSocket(), "workers"));
                assertEquals(List.of(before), Procs.pids(haproxy.masterSocket(), "old workers"),
                        "the old worker still runs");
                assertTrue(run.msg().contains("wait mode"), run.msg());
                assertTrue(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
                return;
            }
            assertEquals(before, Procs.currentWorker(haproxy.masterSocket()), "the old worker is still current");
            assertEquals(before, Procs.adminPid(haproxy.adminSocket()), "and still answers");
            assertEquals(1, Procs.masterCounters(haproxy.masterSocket())[1], "HAProxy counted a failed reload");
            assertTrue((bits(haproxy, "s1") & AdminBits.FORCED_DRAIN) != 0, "its states are intact");
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeValidatesAndReloadsNothing(String binary) {
        try (BackendServer server = new BackendServer();
                HaproxyProcess haproxy = HaproxyProcess.start(binary, proxies(Ports.free(), server.port()))) {
            set(haproxy, "s2", "drain");
            int before = Procs.currentWorker(haproxy.masterSocket());

            HapcRun run = reload(haproxy, "--check");

            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.json().get("check_mode").asBoolean());
            assertTrue(run.msg().startsWith("Check mode"), run.msg());
            assertEquals(run.json().get("workers_before"), run.json().get("workers_after"));
            assertEquals("s2", run.json().get("states_restored").get(0).get("server").asText());
            assertEquals(before, Procs.currentWorker(haproxy.masterSocket()));
            assertEquals(0, Procs.masterCounters(haproxy.masterSocket())[0], "nothing reloaded");
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void serverStateFileIsSavedAndLoadedByTheNewWorker(String binary) throws Exception {
        Path dir = Files.createTempDirectory("hapc-statefile-");
        try (BackendServer server = new BackendServer()) {
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, """
                    global
                        stats socket %1$s/admin.sock mode 600 level admin
                        server-state-base %1$s
                        server-state-file servers.state
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 60s
                        timeout server 60s
                        load-server-state-from-file global
                    """.formatted(dir) + proxies(Ports.free(), server.port()));
            try (HaproxyProcess haproxy = HaproxyProcess.startWith(binary, dir, config)) {
                set(haproxy, "s1", "drain");
                int before = Procs.currentWorker(haproxy.masterSocket());

                HapcRun run = reload(haproxy);

                assertEquals(0, run.exit(), run.stdout());
                assertEquals(MAPPER.valueToTree(List.of(dir.resolve("servers.state").toString())),
                        run.json().get("state_files"));
                assertTrue(Files.readString(dir.resolve("servers.state")).contains(" be "), "the file was written");
                assertEquals(MAPPER.valueToTree(List.of(Map.of("backend", "be", "server", "s1", "admin_state", "drain",
                        "how", "server_state_file"))), run.json().get("states_restored"));
                assertNotEquals(before, Procs.currentWorker(haproxy.masterSocket()));
                assertTrue((bits(haproxy, "s1") & AdminBits.FORCED_DRAIN) != 0, "loaded from the file by HAProxy");
            }
        }
    }

    private static JsonNode sorted(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        items.sort(java.util.Comparator.comparing(n -> n.get("server").asText()));
        return MAPPER.valueToTree(items);
    }
}
