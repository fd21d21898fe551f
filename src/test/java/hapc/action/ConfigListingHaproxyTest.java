package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hapc.testing.BackendServer;
import hapc.testing.ConfigFixture;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tricky conf directory (tabs, comments, listen, a ring with a server, named defaults and
 * an inherited default_backend, a .if block, a non-.cfg file) run by a real HAProxy, then listed
 * by hapc: the listing must be exactly what the files say, and agree with what HAProxy runs.
 * hapc is given the binary under test (--haproxy-bin), whose build decides the .if block.
 */
class ConfigListingHaproxyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Started(HaproxyProcess haproxy, Path conf, Map<String, Object> ports) {
    }

    private static Started start(String binary, Path dir, int serverPort) throws Exception {
        Map<String, Object> ports = Map.of("RINGPORT", Ports.free(), "LISTENPORT", Ports.free(), "SERVERPORT",
                serverPort, "WEBPORT", Ports.free(), "WEBPORT2", Ports.free(), "TCPPORT", Ports.free());
        Path conf = ConfigFixture.write("tricky", ConfigFixture.TRICKY, dir, dir.resolve("conf.d"), ports);
        return new Started(HaproxyProcess.startWith(binary, dir, conf), conf, ports);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void trickyConfigIsListedExactly(String binary) throws Exception {
        HaproxyVersions.assumeNewerThan(binary, "2.2", "named defaults with 'from' (conf.d/10-defaults.cfg)");
        Path dir = Files.createTempDirectory("hapc-listing-");
        try (BackendServer server = new BackendServer()) {
            Started s = start(binary, dir, server.port());
            try (HaproxyProcess haproxy = s.haproxy()) {
                String conf = s.conf().toString();
                HapcRun frontends = HapcRun.run("--haproxy-bin", binary, "list-frontends", "-c", conf);
                assertEquals(0, frontends.exit(), frontends.stdout());
                assertFalse(frontends.json().has("warnings"), frontends.stdout());
                assertEquals(MAPPER.valueToTree(List.of(
                        frontend("li_app", "listen", "tcp", List.of("127.0.0.1:" + s.ports().get("LISTENPORT")),
                                "li_app", "self", List.of(), List.of(), s.conf().resolve("15-listen.cfg").toString(), 2),
                        frontend("fe_web", "frontend", "http", List.of("127.0.0.1:" + s.ports().get("WEBPORT"),
                                "127.0.0.1:" + s.ports().get("WEBPORT2")), "be_web", "defaults",
                                List.of("be_api", "be_static"), List.of("be_%[req.hdr(host),lower]"),
                                s.conf().resolve("20-frontends.cfg").toString(), 1),
                        frontend("fe_tcp", "frontend", "tcp", List.of("127.0.0.1:" + s.ports().get("TCPPORT")),
                                "be_tcp", "defaults", List.of(), List.of(), s.conf().resolve("20-frontends.cfg").toString(), 14))),
                        frontends.json().get("frontends"));

                HapcRun backends = HapcRun.run("--haproxy-bin", binary, "list-config-backends", "-c", conf);
                assertEquals(0, backends.exit(), backends.stdout());
                List<String> names = new ArrayList<>();
                backends.json().get("backends").forEach(b -> names.add(b.get("name").asText()));
                assertEquals(List.of("li_app", "be_web", "be_api", "be_static", "be_tcp"), names);
                JsonNode beWeb = backends.json().get("backends").get(1);
                assertEquals("http", beWeb.get("mode").asText());
                assertEquals(MAPPER.valueToTree(List.of(
                        server(s.conf(), "web1", server.port(), false, false, false, 2),
                        server(s.conf(), "web2", server.port(), true, false, false, 3),
                        server(s.conf(), "web3", server.port(), false, true, false, 4))), beWeb.get("servers"));
                JsonNode api = backends.json().get("backends").get(2).get("servers");
                assertEquals("api2", api.get(1).get("name").asText());
                assertTrue(api.get(1).get("from_template").asBoolean());
                assertFalse(backends.stdout().contains("ringlog"), "a ring server is not a backend server");

                // The config's servers are the ones HAProxy runs (read independently of hapc).
                assertEquals(List.of("web1", "web2", "web3"), runtimeServers(haproxy, "be_web"));
                assertEquals(List.of("api1", "api2"), runtimeServers(haproxy, "be_api"));

                HapcRun onlyWeb = HapcRun.run("--haproxy-bin", binary, "list-config-backends", "-c", conf, "-f",
                        "fe_web");
                List<String> routed = new ArrayList<>();
                onlyWeb.json().get("backends").forEach(b -> routed.add(b.get("name").asText()));
                assertEquals(List.of("be_web", "be_api", "be_static"), routed);
                assertTrue(onlyWeb.json().get("warnings").get(0).asText().contains("dynamic"), onlyWeb.stdout());

                HapcRun unknown = HapcRun.run("--haproxy-bin", binary, "list-config-backends", "-c", conf, "-f",
                        "nope");
                assertEquals(2, unknown.exit());
                assertEquals("not_found", unknown.errorKind());

                // --links: the admin socket comes from the config's 'stats socket ... level admin'.
                HapcRun links = HapcRun.run("--haproxy-bin", binary, "list-backends", "--links", "-c", conf);
                assertEquals(0, links.exit(), links.stdout());
                assertTrue(links.json().get("config_agrees").asBoolean(), links.stdout());
                List<String> running = RawSocket.backends(haproxy.adminSocket());
                List<String> listed = new ArrayList<>();
                links.json().get("backends").forEach(b -> listed.add(b.get("name").asText()));
                assertEquals(running, listed);
                JsonNode apiLinks = find(links.json().get("backends"), "be_api");
                assertEquals(MAPPER.valueToTree(List.of("fe_web")), apiLinks.get("frontends"));
                assertEquals(MAPPER.valueToTree(List.of("li_app")), find(links.json().get("backends"), "li_app")
                        .get("frontends"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void linksSayWhenTheConfigDiffersFromWhatRuns(String binary) throws Exception {
        HaproxyVersions.assumeNewerThan(binary, "2.2", "named defaults with 'from' (conf.d/10-defaults.cfg)");
        Path dir = Files.createTempDirectory("hapc-links-");
        try (BackendServer server = new BackendServer()) {
            Started s = start(binary, dir, server.port());
            try (HaproxyProcess haproxy = s.haproxy()) {
                // The config gains a backend and loses one; HAProxy was not reloaded.
                Path backends = s.conf().resolve("30-backends.cfg");
                Files.writeString(backends, Files.readString(backends).replace("backend be_static from web",
                        "backend be_new from web"));
                HapcRun links = HapcRun.run("--haproxy-bin", binary, "list-backends", "-l", "-c", s.conf().toString(),
                        "-k", haproxy.adminSocket().toString());
                assertEquals(0, links.exit(), links.stdout());
                assertFalse(links.json().get("config_agrees").asBoolean());
                assertEquals(MAPPER.valueToTree(List.of("be_static")), links.json().get("only_in_runtime"));
                assertEquals(MAPPER.valueToTree(List.of("be_new")), links.json().get("only_in_config"));
                assertTrue(links.json().get("warnings").toString().contains("a reload is pending"), links.stdout());
                JsonNode stale = find(links.json().get("backends"), "be_static");
                assertTrue(stale.get("in_runtime").asBoolean());
                assertFalse(stale.get("in_config").asBoolean());
            }
        }
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode node : array) {
            if (node.get("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }

    private static List<String> runtimeServers(HaproxyProcess haproxy, String backend) {
        List<String> names = new ArrayList<>();
        for (String line : RawSocket.ask(haproxy.adminSocket(), "show servers state " + backend).split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 3 && f[1].equals(backend)) {
                names.add(f[3]);
            }
        }
        return names;
    }

    private static Map<String, Object> frontend(String name, String type, String mode, List<String> binds,
            String defaultBackend, String from, List<String> use, List<String> dynamic, String file, int line) {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("name", name);
        json.put("type", type);
        json.put("mode", mode);
        json.put("binds", binds);
        json.put("default_backend", defaultBackend);
        json.put("default_backend_from", from);
        json.put("use_backends", use);
        json.put("dynamic_use_backends", dynamic);
        json.put("file", file);
        json.put("line", line);
        return json;
    }

    private static Map<String, Object> server(Path conf, String name, int port, boolean disabled, boolean backup,
            boolean template, int line) {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("name", name);
        json.put("address", "127.0.0.1");
        json.put("port", port);
        json.put("disabled", disabled);
        json.put("backup", backup);
        json.put("from_template", template);
        json.put("file", conf.resolve("30-backends.cfg").toString());
        json.put("line", line);
        return json;
    }
}
