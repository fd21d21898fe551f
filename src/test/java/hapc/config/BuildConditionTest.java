package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code .if} conditions on how the binary was built, on the {@code haproxy -vv} output recorded
 * from Debian's 2.6 and the 3.0 build of the test matrix. The expected values are what those
 * two binaries themselves decided on the same conditions ({@code RealConfigsTest} checks that
 * live, with the binaries).
 */
@Timeout(10)
class BuildConditionTest {
    private static final HaproxyBuild V26 = recorded("haproxy-2.6-vv.txt");
    private static final HaproxyBuild V30 = recorded("haproxy-3.0-vv.txt");

    private static HaproxyBuild recorded(String name) {
        try {
            return HaproxyBuild.parse(Files.readString(Path.of("src/test/resources/recorded", name)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Condition.Result eval(String text, HaproxyBuild build) {
        return Condition.evaluate(List.of(text.split(" ")), name -> null, () -> build);
    }

    private static Truth truth(String text, HaproxyBuild build) {
        Condition.Result result = eval(text, build);
        assertTrue(result.truth() == Truth.UNKNOWN || result.unknowns().isEmpty(), result.unknowns().toString());
        return result.truth();
    }

    @Test
    void theRecordedOutputsAreRead() {
        assertEquals("2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/", V26.version().text());
        assertEquals(List.of(3, 0, 11), V30.version().numbers());
        assertEquals("OpenSSL 3.0.22 25 Aug 2026", V26.builtSsl());
        assertEquals("OpenSSL 3.0.19 27 Jan 2026", V26.runningSsl());
        assertEquals(0x300001_6FL, V26.builtSslNumber());
        assertEquals(0x300001_3FL, V30.builtSslNumber());
    }

    @Test
    void featuresComeFromTheFeatureListOfEachBinary() {
        Map<String, List<Truth>> expected = Map.of(
                "feature(LUA)", List.of(Truth.TRUE, Truth.FALSE),
                "feature(OPENSSL)", List.of(Truth.TRUE, Truth.TRUE),
                "feature(PCRE2_JIT)", List.of(Truth.TRUE, Truth.FALSE),
                "feature(SSL)", List.of(Truth.FALSE, Truth.TRUE),
                "feature(QUIC)", List.of(Truth.FALSE, Truth.FALSE),
                "feature(CRE2)", List.of(Truth.FALSE, Truth.FALSE),
                "feature(NOSUCH)", List.of(Truth.FALSE, Truth.FALSE),
                "!feature(PROMEX) && feature(PCRE2)", List.of(Truth.FALSE, Truth.TRUE));
        expected.forEach((condition, truths) -> {
            assertEquals(truths.get(0), truth(condition, V26), condition + " on 2.6");
            assertEquals(truths.get(1), truth(condition, V30), condition + " on 3.0");
        });
    }

    /** Both binaries were built against OpenSSL 3.0.x; HAProxy's comparison is quirky there. */
    @Test
    void opensslVersionsAreComparedAsHaproxyCompares() {
        for (HaproxyBuild build : List.of(V26, V30)) {
            assertEquals(Truth.TRUE, truth("openssl_version_atleast(1.1.1)", build));
            assertEquals(Truth.TRUE, truth("openssl_version_atleast(1.1.1w)", build));
            assertEquals(Truth.TRUE, truth("openssl_version_atleast(3.0.0)", build));
            // 3.0.1 packs to 0x3000100F, above OpenSSL 3's 0x300001xF: HAProxy says false.
            assertEquals(Truth.FALSE, truth("openssl_version_atleast(3.0.1)", build));
            assertEquals(Truth.FALSE, truth("openssl_version_atleast(3.0.19)", build));
            assertEquals(Truth.TRUE, truth("openssl_version_before(3.0.20)", build));
            assertEquals(Truth.FALSE, truth("openssl_version_before(3.0.0)", build));
            assertEquals(Truth.TRUE, truth("ssllib_name_startswith(OpenSSL)", build));
            assertEquals(Truth.FALSE, truth("ssllib_name_startswith(LibreSSL)", build));
        }
        assertEquals(Truth.TRUE, truth("ssllib_name_startswith(OpenSSL 3.0.19)", V26), "the library it runs on");
        assertEquals(Truth.FALSE, truth("ssllib_name_startswith(OpenSSL 3.0.22)", V26), "not the one it was built with");
    }

    @Test
    void theArgumentIsPackedLikeHaproxysParser() {
        assertEquals(0x1010117FL, HaproxyBuild.sslVersionArgument("1.1.1w"));
        assertEquals(0x1010100FL, HaproxyBuild.sslVersionArgument("1.1.1"));
        assertEquals(0x30000002L, HaproxyBuild.sslVersionArgument("3.0.0-beta2"));
        assertEquals(0x30000000L, HaproxyBuild.sslVersionArgument("3.0.0-dev"));
        assertNull(HaproxyBuild.sslVersionArgument("3.1"));
        assertNull(HaproxyBuild.sslVersionArgument("junk"));
        assertNull(HaproxyBuild.sslVersionArgument("16.0.0"));
    }

    @Test
    void whatTheOutputDoesNotTellStaysUnknownWithTheReason() {
        HaproxyBuild versionOnly = HaproxyBuild.parse("HAProxy version 3.0.11-9e587df 2025/06/02 - https://haproxy.org/");
        Condition.Result feature = eval("feature(OPENSSL)", versionOnly);
        assertEquals(Truth.UNKNOWN, feature.truth());
        assertTrue(feature.unknowns().get(0).contains("feature list"), feature.unknowns().toString());
        assertEquals(Truth.TRUE, eval("version_atleast(3.0)", versionOnly).truth());

        Condition.Result noBinary = eval("openssl_version_atleast(1.1.1)", null);
        assertEquals(Truth.UNKNOWN, noBinary.truth());
        assertTrue(noBinary.unknowns().get(0).contains("not known"), noBinary.unknowns().toString());

        Condition.Result crashes = eval("openssl_version_atleast(3.1)", V30);
        assertEquals(Truth.UNKNOWN, crashes.truth());
        assertTrue(crashes.unknowns().get(0).contains("not a version HAProxy can read"), crashes.unknowns().toString());

        HaproxyBuild noSsl = HaproxyBuild.parse("HAProxy version 3.0.11\nFeature list : +EPOLL -OPENSSL\n");
        Condition.Result refused = eval("openssl_version_before(3.0.0)", noSsl);
        assertEquals(Truth.UNKNOWN, refused.truth());
        assertTrue(refused.unknowns().get(0).contains("without OpenSSL"), refused.unknowns().toString());
        assertEquals(Truth.FALSE, truth("ssllib_name_startswith(OpenSSL)", noSsl));

        HaproxyBuild boring = HaproxyBuild.parse("HAProxy version 3.0.11\nFeature list : +OPENSSL\n"
                + "Built with OpenSSL version : BoringSSL\n");
        assertEquals(Truth.UNKNOWN, eval("openssl_version_atleast(1.1.1)", boring).truth());
        assertEquals(Truth.UNKNOWN, eval("enabled(POLL)", V30).truth());
    }

    @Test
    void theConfigReaderAsksTheBuildAtMostOnceAndOnlyWhenNeeded() {
        int[] asked = {0};
        HaproxyConfig plain = HaproxyConfig.parse(List.of(Path.of("a.cfg")), p -> "backend b\n", n -> null,
                () -> {
                    asked[0]++;
                    return V26;
                });
        assertEquals(0, asked[0], "no condition, no haproxy -vv");
        assertEquals(1, plain.backends().size());
        HaproxyConfig conditional = HaproxyConfig.parse(List.of(Path.of("a.cfg")), p -> """
                .if feature(LUA)
                backend lua
                .endif
                .if openssl_version_atleast(1.1.1) && version_atleast(2.6)
                backend tls
                .endif
                """, n -> null, () -> {
                    asked[0]++;
                    return V30;
                });
        assertEquals(1, asked[0], "one haproxy -vv for every condition of the call");
        assertEquals(List.of("tls"), conditional.backends().stream().map(ConfigBackend::name).toList());
        assertEquals(List.of(), conditional.warnings());
    }
}
