package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.ConfigFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on config fixtures, without HAProxy (the real-HAProxy tests come on top). */
class HaproxyConfigTest {
    private static final HaproxyBuild V26 = HaproxyBuild.parse("HAProxy version 2.6.12");

    @TempDir
    Path dir;

    private HaproxyConfig tricky() {
        Path conf = ConfigFixture.write("tricky", ConfigFixture.TRICKY, dir, dir.resolve("conf.d"), Map.of(
                "RINGPORT", 1514, "LISTENPORT", 8000, "SERVERPORT", 9000, "WEBPORT", 8080, "WEBPORT2", 8081,
                "TCPPORT", 8443));
        return HaproxyConfig.read(ConfigFiles.expand(List.of(conf.toString())), System::getenv, () -> V26);
    }

    private HaproxyConfig inline(String text, Map<String, String> env, HaproxyBuild version) throws Exception {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, text);
        return HaproxyConfig.read(List.of(file), env::get, () -> version);
    }

    @Test
    void trickyDirectoryIsReadInOrderAndCompletely() {
        HaproxyConfig config = tricky();
        assertEquals(List.of("00-global.cfg", "10-defaults.cfg", "15-listen.cfg", "20-frontends.cfg",
                "30-backends.cfg"), config.files().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of(), config.warnings());
        assertEquals(List.of("li_app", "fe_web", "fe_tcp"), config.frontends().stream().map(Frontend::name).toList());

        Frontend listen = config.frontend("li_app").orElseThrow();
        assertEquals(SectionKind.LISTEN, listen.kind());
        assertEquals("tcp", listen.mode());
        assertEquals("li_app", listen.defaultBackend());
        assertEquals("self", listen.defaultBackendFrom());

        Frontend web = config.frontend("fe_web").orElseThrow();
        assertEquals("http", web.mode());
        assertEquals(List.of("127.0.0.1:8080", "127.0.0.1:8081"), web.binds().stream().map(Bind::address).toList());
        assertEquals("be_web", web.defaultBackend());
        assertEquals("defaults", web.defaultBackendFrom());
        assertEquals(List.of("be_web", "be_api", "be_static"), web.staticTargets());
        assertEquals(List.of("be_%[req.hdr(host),lower]"),
                web.useBackends().stream().filter(UseBackend::dynamic).map(UseBackend::target).toList());
        assertEquals(1, web.origin().line());

        Frontend tcp = config.frontend("fe_tcp").orElseThrow();
        assertEquals("tcp", tcp.mode());
        assertEquals("be_tcp", tcp.defaultBackend(), "inherited from the last defaults section");

        assertEquals(List.of("li_app", "be_web", "be_api", "be_static", "be_tcp"),
                config.backends().stream().map(ConfigBackend::name).toList());
        ConfigBackend beWeb = config.backend("be_web").orElseThrow();
        assertEquals(List.of("web1", "web2", "web3"), beWeb.servers().stream().map(ConfigServer::name).toList());
        assertEquals(List.of(false, true, false), beWeb.servers().stream().map(ConfigServer::disabled).toList());
        assertEquals(List.of(false, false, true), beWeb.servers().stream().map(ConfigServer::backup).toList());
        ConfigServer web1 = beWeb.servers().get(0);
        assertEquals("127.0.0.1", web1.address());
        assertEquals(9000, web1.port());
        assertEquals("30-backends.cfg", web1.origin().file().getFileName().toString());
        assertEquals(2, web1.origin().line());
        assertEquals(List.of("api1", "api2"), config.backend("be_api").orElseThrow().servers().stream()
                .map(ConfigServer::name).toList());
        assertEquals("static1", config.backend("be_static").orElseThrow().servers().get(0).name());
        assertTrue(config.backends().stream().flatMap(b -> b.servers().stream())
                .noneMatch(s -> s.name().equals("ringlog")), "a ring's server is not a backend server");
        assertEquals(List.of("fe_web"), config.frontendsRoutingTo("be_api"));
        assertEquals(List.of("li_app"), config.frontendsRoutingTo("li_app"));
        assertEquals(dir + "/admin.sock", config.adminSocket().orElseThrow().address());
    }

    @Test
    void unknownConditionsAndUnderstoodNothingAreWarnings() throws Exception {
        HaproxyConfig config = inline("""
                stray-line outside
                global
                    stats socket "${SOCK_DIR}/admin.sock" level admin
                defaults
                    mode http
                .if version_atleast(2.8)
                    default_backend newer
                .elif feature(OPENSSL)
                    default_backend ssl
                .else
                    default_backend fallback
                .endif
                frontend f
                    bind :80
                    bind "${UNSET_VAR}:81"
                .bogus directive
                backend fallback
                    use_backend nowhere
                    server
                .if 1
                """, Map.of("SOCK_DIR", "/run/hp"), null);
        List<String> warnings = config.warnings().stream().map(ConfigWarning::toString).toList();
        String all = String.join("\n", warnings);
        assertTrue(all.contains(":1: 'stray-line' is outside any section"), all);
        assertTrue(all.contains(":6: .if version_atleast(2.8): version_atleast(2.8) cannot be evaluated"), all);
        assertTrue(all.contains(":8: .elif feature(OPENSSL): feature(OPENSSL) cannot be evaluated"), all);
        assertTrue(all.contains(":15: variable UNSET_VAR is not set"), all);
        assertTrue(all.contains(":16: unknown directive '.bogus'"), all);
        assertTrue(all.contains(":18: 'use_backend' is not allowed in a backend section"), all);
        assertTrue(all.contains(":19: a server line needs a name and an address"), all);
        assertTrue(all.contains(":20: this .if has no .endif"), all);
        assertEquals(8, warnings.size(), all);
        assertEquals("fallback", config.frontend("f").orElseThrow().defaultBackend(), "unknown reads as false");
        assertEquals("/run/hp/admin.sock", config.adminSocket().orElseThrow().address());
    }

    @Test
    void versionConditionUsesTheBinaryVersion() throws Exception {
        String text = """
                defaults
                .if version_atleast(2.8)
                    default_backend newer
                .else
                    default_backend older
                .endif
                frontend f
                backend newer
                backend older
                """;
        assertEquals("older", inline(text, Map.of(), V26).frontend("f").orElseThrow().defaultBackend());
        assertEquals("newer", inline(text, Map.of(), HaproxyBuild.parse("HAProxy version 3.0.11-9e587df")).frontend("f")
                .orElseThrow().defaultBackend());
    }

    @Test
    void namedDefaultsFromAndNonProxySections() throws Exception {
        HaproxyConfig config = inline("""
                defaults a
                    mode http
                    default_backend be_a
                defaults b
                    mode tcp
                frontend uses_last
                frontend uses_a from a
                    default_backend own
                frontend from_missing from nope
                peers mypeers
                    peer here 127.0.0.1:1024
                    server other 127.0.0.1:1025
                resolvers dns
                    nameserver ns1 127.0.0.1:53
                mailers alerts
                    mailer smtp1 127.0.0.1:25
                backend own from a
                    default-server disabled
                    server s1 [::1]:8080
                    server s2 unix@/run/app.sock enabled
                    server s3 app.example:+1000
                backend be_a
                """, Map.of(), V26);
        assertEquals("tcp", config.frontend("uses_last").orElseThrow().mode());
        assertNull(config.frontend("uses_last").orElseThrow().defaultBackend(), "defaults b has none");
        Frontend usesA = config.frontend("uses_a").orElseThrow();
        assertEquals("http", usesA.mode());
        assertEquals("own", usesA.defaultBackend());
        assertEquals("section", usesA.defaultBackendFrom());
        assertTrue(config.warnings().stream().anyMatch(w -> w.message().contains("'from nope'")));
        assertEquals(List.of("own", "be_a"), config.backends().stream().map(ConfigBackend::name).toList());
        List<ConfigServer> servers = config.backend("own").orElseThrow().servers();
        assertEquals("::1", servers.get(0).address());
        assertEquals(8080, servers.get(0).port());
        assertTrue(servers.get(0).disabled(), "default-server disabled");
        assertEquals("unix@/run/app.sock", servers.get(1).address());
        assertNull(servers.get(1).port());
        assertEquals(false, servers.get(1).disabled());
        assertEquals("app.example", servers.get(2).address());
        assertNull(servers.get(2).port(), "a relative port has no single number");
    }

    @Test
    void serverStateFiles() throws Exception {
        HaproxyConfig config = inline("""
                global
                    server-state-base /var/lib/haproxy/states
                    server-state-file all
                defaults
                    load-server-state-from-file global
                backend a
                backend b
                    load-server-state-from-file local
                backend c
                    load-server-state-from-file local
                    server-state-file-name /abs/c.state
                backend d
                    load-server-state-from-file none
                """, Map.of(), V26);
        StateFiles files = config.stateFiles();
        assertEquals(Path.of("/var/lib/haproxy/states/all"), files.global());
        assertEquals(Map.of("b", Path.of("/var/lib/haproxy/states/b"), "c", Path.of("/abs/c.state")),
                files.perBackend());
        assertEquals(List.of(), files.problems());

        StateFiles relative = inline("""
                global
                    server-state-file states
                defaults
                    load-server-state-from-file global
                backend a
                """, Map.of(), V26).stateFiles();
        assertNull(relative.global());
        assertTrue(relative.problems().get(0).contains("relative"), relative.problems().toString());
    }
}
