package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.config.ConfigBackend;
import hapc.config.ConfigFiles;
import hapc.config.HaproxyConfig;
import hapc.host.HaproxyBinary;
import hapc.testing.BackendServer;
import hapc.testing.ConfigFixture;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Published configurations (src/test/resources/configs/real, sources and changes in the
 * README.txt there) run by a real HAProxy of every version, and hapc's reading of them compared
 * with what that HAProxy reports about itself, read by the test's own socket reader:
 * list-backends with {@code show backend}; list-frontends and list-config-backends (names,
 * modes, servers, their addresses, ports, backup and disabled flags) with {@code show stat}
 * (types 0, 1, 2) and {@code show servers state}; every bind hapc lists is one HAProxy listens on.
 * hapc's config actions are given the binary under test with --haproxy-bin, whose build decides
 * the {@code .if} conditions (the haproxy on PATH is another version in the 2.2 and 3.0 runs);
 * the last test checks that evaluation per binary, in hapc's reader and through the action.
 */
@Timeout(120)
class RealConfigsTest {
    /** Fixtures whose frontends list their listeners in show stat (option socket-stats). */
    private static final List<String> WITH_LISTENERS = List.of("haproxy-example-basic-config-edge.cfg");

    /** The fixtures; a name ending in -2.6-only or -3.0-only is run on that version alone. */
    private static final List<String> FIXTURES = List.of(
            "debian-12-default-haproxy.cfg",
            "haproxy-example-basic-config-edge.cfg",
            "haproxy-example-content-sw-sample.cfg",
            "haproxy-example-option-http_proxy.cfg",
            "haproxy-example-quick-test.cfg",
            "haproxy-example-socks4.cfg",
            "haproxy-example-transparent_proxy.cfg",
            "kubeadm-ha-considerations.cfg",
            "patroni-haproxy.cfg");

    static Stream<Arguments> fixtures() {
        List<Arguments> all = new ArrayList<>();
        for (String binary : HaproxyVersions.binaries()) {
            String version = HaproxyBinary.locate(binary).build().version().numbers().subList(0, 2).stream()
                    .map(String::valueOf).reduce((a, b) -> a + "." + b).orElseThrow();
            for (String fixture : FIXTURES) {
                boolean onlyOne = fixture.contains("-only");
                if (!onlyOne || fixture.endsWith("-" + version + "-only.cfg")) {
                    all.add(Arguments.of(fixture, org.junit.jupiter.api.Named.of(HaproxyVersions.label(binary), binary)));
                }
            }
        }
        return all.stream();
    }

    /** What HAProxy reports about one proxy: its mode and its servers, in its own order. */
    private record Proxy(String mode, List<String> servers) {
    }

    /** One server as HAProxy reports it. */
    private record RuntimeServer(String address, Integer port, Boolean backup, boolean disabled) {
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("fixtures")
    void hapcReadsThePublishedConfigAsHaproxyRunsIt(String fixture, String binary) throws Exception {
        // Skipped where listed in tests/skips.txt: what the 2.2 of the matrix cannot load.
        if (fixture.equals("haproxy-example-basic-config-edge.cfg")) {
            HaproxyVersions.assumeNewerThan(binary, "2.2", "global default-path");
        }
        if (List.of("debian-12-default-haproxy.cfg", "haproxy-example-basic-config-edge.cfg",
                "haproxy-example-socks4.cfg").contains(fixture)) {
            HaproxyVersions.assumeTls(binary, fixture + " (ssl keywords)");
        }
        run("real", fixture, binary, !fixture.startsWith("debian-12-default"), WITH_LISTENERS.contains(fixture));
    }

    /**
     * hapc's own fixture (configs/constructs) with what real configs use and the published ones
     * do not: named defaults with from, default-server disabled/backup and enabled, setenv and
     * its kin, quoted names and addresses, ipv4@/ipv6@ prefixes, IPv6 with and without
     * brackets, a host name, a port-less server, templates, a comma-separated bind, a stopped
     * backend, a ring with a server.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void hapcReadsItsConstructsFixtureAsHaproxyRunsIt(String binary) throws Exception {
        HaproxyVersions.assumeNewerThan(binary, "2.2", "named defaults with 'from'");
        run("constructs", "hapc-constructs.cfg", binary, true, true);
    }

    private static void run(String set, String fixture, String binary, boolean proxies, boolean withListeners)
            throws Exception {
        Path dir = Files.createTempDirectory("hapc-real-");
        try (BackendServer server = new BackendServer()) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 1; i <= 6; i++) {
                values.put("PORT" + i, Ports.free());
            }
            values.put("SERVERPORT", server.port());
            ConfigFixture.write(set, List.of(fixture), dir, dir, values);
            Path config = dir.resolve(fixture);
            if (Files.readString(config).contains("crt pub1.pem")) {
                selfSignedCertificate(dir.resolve("pub1.pem"));
            }
            try (HaproxyProcess haproxy = HaproxyProcess.startWith(binary, dir, config)) {
                compare(haproxy, config, proxies, withListeners);
            }
        }
    }

    /**
     * @param proxies   whether the fixture has proxies at all (Debian's default has none)
     * @param withListeners whether HAProxy lists listeners for it (so that comparison is not vacuous)
     */
    private static void compare(HaproxyProcess haproxy, Path config, boolean proxies, boolean withListeners) {
        Path admin = haproxy.adminSocket();
        // HAProxy's own view.
        List<String> shownBackends = RawSocket.backends(admin);
        Map<String, Proxy> frontends = new LinkedHashMap<>();
        Map<String, Proxy> backends = new LinkedHashMap<>();
        Map<String, Boolean> backup = new LinkedHashMap<>();
        Map<String, List<String>> listeners = new LinkedHashMap<>();
        // Types 0-3: frontends, backends, servers, and listeners (of frontends with socket-stats).
        String stat = RawSocket.ask(admin, "show stat -1 15 -1");
        List<String> header = List.of(stat.lines().findFirst().orElseThrow().substring(2).split(","));
        stat.lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
            String[] f = line.split(",", -1);
            String proxy = f[0];
            if (RawSocket.internalProxy(proxy)) {
                return;
            }
            String name = f[1];
            String mode = f[header.indexOf("mode")];
            switch (f[header.indexOf("type")]) {
                case "0" -> frontends.put(proxy, new Proxy(mode, List.of()));
                case "1" -> {
                    backends.computeIfAbsent(proxy, p -> new Proxy(mode, new ArrayList<>()));
                    backends.put(proxy, new Proxy(mode, backends.get(proxy).servers()));
                }
                case "2" -> {
                    backends.computeIfAbsent(proxy, p -> new Proxy(null, new ArrayList<>())).servers().add(name);
                    backup.put(proxy + "/" + name, f[header.indexOf("bck")].equals("1"));
                }
                case "3" -> listeners.computeIfAbsent(proxy, p -> new ArrayList<>()).add(f[header.indexOf("addr")]);
                default -> throw new AssertionError("a show stat line of unknown type: " + line);
            }
        });
        Map<String, RuntimeServer> servers = new LinkedHashMap<>();
        List<String> stateHeader = null;
        for (String line : RawSocket.ask(admin, "show servers state").split("\n")) {
            if (line.startsWith("# ")) {
                stateHeader = List.of(line.substring(2).strip().split(" "));
            } else if (stateHeader != null && !line.isBlank()) {
                String[] f = line.strip().split(" ");
                if (RawSocket.internalProxy(f[stateHeader.indexOf("be_name")])) {
                    continue;
                }
                String id = f[stateHeader.indexOf("be_name")] + "/" + f[stateHeader.indexOf("srv_name")];
                int port = Integer.parseInt(f[stateHeader.indexOf("srv_port")]);
                int adminBits = Integer.parseInt(f[stateHeader.indexOf("srv_admin_state")]);
                servers.put(id, new RuntimeServer(f[stateHeader.indexOf("srv_addr")], port == 0 ? null : port,
                        backup.get(id), (adminBits & 0x04) != 0));
            }
        }

        // A backend with 'disabled' is one HAProxy keeps stopped: it is in show backend and show
        // servers state, not in show stat. hapc lists it, as the config defines it.
        List<String> stopped = new ArrayList<>();
        Map<String, Proxy> running = new LinkedHashMap<>(backends);
        backends.clear();
        for (String name : shownBackends) {
            if (running.containsKey(name)) {
                backends.put(name, running.remove(name));
            } else {
                stopped.add(name);
                List<String> serverNames = servers.keySet().stream().filter(id -> id.startsWith(name + "/"))
                        .map(id -> id.substring(name.length() + 1)).toList();
                backends.put(name, new Proxy("(stopped)", serverNames));
            }
        }
        backends.putAll(running);
        assertEquals(proxies, !frontends.isEmpty() && !backends.isEmpty() && !servers.isEmpty(),
                "what HAProxy reports is there to compare: " + frontends + backends + servers);
        assertEquals(withListeners, !listeners.isEmpty(), "listeners reported: " + listeners);

        // hapc's view, from the admin socket and from the config.
        HapcRun runtime = HapcRun.run("-k", admin.toString(), "list-backends");
        assertEquals(0, runtime.exit(), runtime.stdout());
        assertEquals(shownBackends, names(runtime.json().get("backends")), "list-backends vs show backend");

        // .if conditions decided by the binary that runs the config, not by the haproxy on PATH.
        HapcRun listedFrontends = HapcRun.run("list-frontends", "-c", config.toString(), "--haproxy-bin",
                haproxy.binary());
        assertEquals(0, listedFrontends.exit(), listedFrontends.stdout());
        Map<String, Proxy> hapcFrontends = new LinkedHashMap<>();
        listedFrontends.json().get("frontends").forEach(f -> hapcFrontends.put(f.get("name").asText(),
                new Proxy(f.get("mode").asText(), List.of())));
        assertEquals(frontends, hapcFrontends, "list-frontends vs show stat type 0");
        // Where HAProxy lists a frontend's listeners (option socket-stats), they are hapc's binds.
        listedFrontends.json().get("frontends").forEach(f -> {
            if (listeners.containsKey(f.get("name").asText())) {
                List<String> binds = new ArrayList<>();
                f.get("binds").forEach(b -> binds.add(b.asText()));
                assertEquals(listeners.get(f.get("name").asText()), binds, "binds vs show stat type 3");
            }
        });
        listedFrontends.json().get("frontends").forEach(f -> f.get("binds").forEach(bind -> {
            String address = bind.asText();
            if (address.matches("127\\.0\\.0\\.1:\\d+")) {
                assertTrue(listening(Integer.parseInt(address.substring(10))), f.get("name") + ": HAProxy listens on "
                        + address);
            }
        }));

        HapcRun listedBackends = HapcRun.run("list-config-backends", "-c", config.toString(), "--haproxy-bin",
                haproxy.binary());
        assertEquals(0, listedBackends.exit(), listedBackends.stdout());
        Map<String, Proxy> hapcBackends = new LinkedHashMap<>();
        Map<String, RuntimeServer> hapcServers = new LinkedHashMap<>();
        for (JsonNode backend : listedBackends.json().get("backends")) {
            String name = backend.get("name").asText();
            List<String> serverNames = new ArrayList<>();
            for (JsonNode s : backend.get("servers")) {
                serverNames.add(s.get("name").asText());
                hapcServers.put(name + "/" + s.get("name").asText(), new RuntimeServer(s.get("address").asText(),
                        s.get("port").isNull() ? null : s.get("port").asInt(), s.get("backup").asBoolean(),
                        s.get("disabled").asBoolean()));
            }
            hapcBackends.put(name, new Proxy(stopped.contains(name) ? "(stopped)" : backend.get("mode").asText(),
                    serverNames));
        }
        hapcServers.replaceAll((id, s) -> {
            RuntimeServer actual = servers.get(id);
            boolean stoppedBackend = stopped.contains(id.substring(0, id.indexOf('/')));
            // hapc gives the host name as written; HAProxy resolved it when it started.
            String address = actual != null && resolvesTo(s.address(), actual.address()) ? actual.address()
                    : s.address();
            return new RuntimeServer(address, s.port(), stoppedBackend ? null : s.backup(), s.disabled());
        });
        assertEquals(backends, hapcBackends, "list-config-backends vs show stat types 1 and 2");
        assertEquals(servers, hapcServers, "servers vs show servers state and show stat");
        for (HapcRun run : List.of(listedFrontends, listedBackends)) {
            assertTrue(!run.json().has("warnings"), "hapc understood every line: " + run.json().get("warnings"));
        }
    }

    /**
     * .if conditions on the build, evaluated by hapc's config reader with the {@code haproxy -vv}
     * of the very binary that runs the config, against what that binary decided: the backends it
     * runs. The two binaries of the matrix differ on these (Lua, PCRE2 JIT, Prometheus, SSL).
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void buildConditionsAreDecidedAsTheBinaryConcernedDecidesThem(String binary) throws Exception {
        HaproxyVersions.assumeNewerThan(binary, "2.2", "conditional blocks (.if/.else/.endif)");
        Path dir = Files.createTempDirectory("hapc-conditions-");
        Path config = dir.resolve("haproxy.cfg");
        List<String> conditions = List.of("feature(LUA)", "feature(PCRE2_JIT)", "feature(PROMEX)", "feature(SSL)",
                "feature(QUIC)", "feature(OPENSSL) && !feature(OT)", "feature(CRE2)",
                "openssl_version_atleast(1.1.1)", "openssl_version_atleast(3.0.1)", "openssl_version_before(3.0.20)",
                "openssl_version_before(1.0.2)", "ssllib_name_startswith(OpenSSL)", "ssllib_name_startswith(Libre)",
                "version_atleast(3.0) && feature(OPENSSL)", "version_before(2.7)");
        StringBuilder text = new StringBuilder(HaproxyProcess.globalAndDefaults(dir));
        for (int i = 0; i < conditions.size(); i++) {
            text.append(".if ").append(conditions.get(i)).append("\nbackend yes").append(i)
                    .append("\n.else\nbackend no").append(i).append("\n.endif\n");
        }
        Files.writeString(config, text.toString());
        try (HaproxyProcess haproxy = HaproxyProcess.startWith(binary, dir, config)) {
            List<String> shown = RawSocket.backends(haproxy.adminSocket());
            int[] runs = {0};
            HaproxyConfig read = HaproxyConfig.read(ConfigFiles.expand(List.of(config.toString())), name -> null,
                    () -> {
                        runs[0]++;
                        return HaproxyBinary.locate(binary).build();
                    });
            assertEquals(List.of(), read.warnings());
            assertEquals(shown, read.backends().stream().map(ConfigBackend::name).toList(), String.join("\n", conditions));
            assertEquals(1, runs[0], "one haproxy -vv for the whole config");

            // The same through the action: --haproxy-bin reaches the config reader. Without it the
            // haproxy on PATH (2.6) would decide, and version_before(2.7) alone differs on 3.0.
            HapcRun listed = HapcRun.run("list-config-backends", "-c", config.toString(), "--haproxy-bin", binary);
            assertEquals(0, listed.exit(), listed.stdout());
            assertEquals(shown, names(listed.json().get("backends")), "list-config-backends --haproxy-bin " + binary);
            HapcRun frontends = HapcRun.run("list-frontends", "-c", config.toString(), "--haproxy-bin", binary);
            assertEquals(0, frontends.exit(), frontends.stdout());
        }
    }

    /** Whether a server's host name (not an address) resolves, here, to the address HAProxy uses. */
    private static boolean resolvesTo(String host, String address) {
        if (host == null || host.equals(address) || !host.matches("[A-Za-z][A-Za-z0-9.-]*")) {
            return false;
        }
        try {
            for (InetAddress resolved : InetAddress.getAllByName(host)) {
                if (resolved.getHostAddress().equals(address)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static List<String> names(JsonNode items) {
        List<String> names = new ArrayList<>();
        items.forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** basic-config-edge serves TLS with pub1.pem: a throw-away certificate made by openssl. */
    private static void selfSignedCertificate(Path pem) throws Exception {
        Path dir = pem.getParent();
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", dir.resolve("key.pem").toString(), "-out",
                    dir.resolve("cert.pem").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, "no openssl program to make the certificate basic-config-edge needs: " + e.getMessage());
            return;
        }
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, openssl.exitValue(), Files.readString(dir.resolve("openssl.log")));
        Files.writeString(pem, Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("key.pem")));
    }
}
