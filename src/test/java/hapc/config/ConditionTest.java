package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final Map<String, String> ENV = Map.of("SET", "1", "WITH_SSL", "yes");

    private static Condition.Result eval(String text, String version) {
        List<String> words = text.isEmpty() ? List.of() : List.of(text.split(" "));
        // Only the version line, as 'haproxy -v' prints it: the build's features are not known.
        return Condition.evaluate(words, ENV::get,
                () -> version == null ? null : HaproxyBuild.parse("HAProxy version " + version + " 2026/10/17"));
    }

    private static Truth truth(String text) {
        return eval(text, "2.6.12-1+deb12u4").truth();
    }

    @Test
    void constantsAndPredicates() {
        assertEquals(Truth.FALSE, truth(""));
        assertEquals(Truth.FALSE, truth("0"));
        assertEquals(Truth.TRUE, truth("1"));
        assertEquals(Truth.TRUE, truth("defined(SET)"));
        assertEquals(Truth.FALSE, truth("defined(UNSET)"));
        assertEquals(Truth.TRUE, truth("streq(yes,yes)"));
        assertEquals(Truth.TRUE, truth("strneq(yes,no)"));
        assertEquals(Truth.TRUE, truth("strstr(haproxy,prox)"));
    }

    @Test
    void operatorsAndPrecedence() {
        assertEquals(Truth.TRUE, truth("!defined(UNSET)"));
        assertEquals(Truth.TRUE, truth("0 && 1 || 1"), "&& binds tighter than ||");
        assertEquals(Truth.FALSE, truth("0 && (1 || 1)"));
        assertEquals(Truth.TRUE, truth("defined(SET) && (streq(a,b) || !0)"));
    }

    @Test
    void versionsAgainstTheBinary() {
        assertEquals(Truth.TRUE, truth("version_atleast(2.4)"));
        assertEquals(Truth.TRUE, truth("version_atleast(2.6.12)"));
        assertEquals(Truth.FALSE, truth("version_atleast(2.7)"));
        assertEquals(Truth.TRUE, truth("version_before(3.0)"));
        assertEquals(Truth.TRUE, eval("version_atleast(2.4-dev19)", "2.4.0").truth());
        assertEquals(Truth.FALSE, eval("version_atleast(2.4)", "2.4-dev19").truth());
    }

    @Test
    void whatCannotBeEvaluatedSaysSo() {
        Condition.Result noVersion = eval("version_atleast(2.4)", null);
        assertEquals(Truth.UNKNOWN, noVersion.truth());
        assertTrue(noVersion.unknowns().get(0).contains("not known"), noVersion.unknowns().toString());
        Condition.Result feature = eval("feature(OPENSSL)", "3.0");
        assertEquals(Truth.UNKNOWN, feature.truth());
        assertTrue(feature.unknowns().get(0).contains("feature(OPENSSL)"), feature.unknowns().toString());
        assertEquals(Truth.FALSE, eval("feature(OPENSSL) && 0", "3.0").truth(), "false wins over unknown");
        assertEquals(Truth.UNKNOWN, truth("defined(SET"));
    }
}
