package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global section's setenv, presetenv, unsetenv and resetenv change the variables of every
 * later line, as HAProxy applies them while reading (RealConfigsTest shows HAProxy doing so).
 */
@Timeout(10)
class GlobalEnvironmentTest {
    private static final Map<String, String> HAPC_ENV = Map.of("KEPT", "k", "PRESET", "from-env", "DROPPED", "d");

    private static List<String> servers(String text) {
        HaproxyConfig config = HaproxyConfig.parse(List.of(Path.of("h.cfg")), p -> text, HAPC_ENV::get, () -> null);
        return config.backends().get(0).servers().stream().map(s -> s.name() + "=" + s.address()).toList();
    }

    @Test
    void setenvAndPresetenvSetForTheLinesAfterThem() {
        assertEquals(List.of("a=10.0.0.1", "b=from-env", "c=fresh"), servers("""
                global
                    setenv ADDR 10.0.0.1
                    presetenv PRESET not-used
                    presetenv NEW fresh
                backend b
                    server a "${ADDR}":80
                    server b "${PRESET}":80
                    server c "${NEW}":80
                """));
    }

    @Test
    void unsetenvAndResetenvTakeVariablesAway() {
        assertEquals(List.of("kept=k", "dropped=null", "later=x"), servers("""
                global
                    resetenv KEPT
                    setenv LATER x
                backend b
                    server kept "${KEPT}":80
                    server dropped "${DROPPED}":80
                    server later "${LATER}":80
                """));
        assertEquals(List.of("yes"), HaproxyConfig.parse(List.of(Path.of("h.cfg")), p -> """
                global
                    unsetenv KEPT
                .if defined(KEPT)
                backend no
                .else
                backend yes
                .endif
                """, HAPC_ENV::get, () -> null).backends().stream().map(ConfigBackend::name).toList());
    }

    @Test
    void onlyTheGlobalSectionChangesTheEnvironment() {
        assertEquals(List.of("a=null"), servers("""
                backend b
                    setenv ADDR 10.0.0.1
                    server a "${ADDR}":80
                """));
    }
}
