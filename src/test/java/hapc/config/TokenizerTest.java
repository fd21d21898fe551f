package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    private static final Map<String, String> ENV = Map.of("HOST", "10.0.0.1", "LIST", "a  b c", "EMPTY", "");

    private static Tokenizer.Tokens split(String line) {
        return Tokenizer.split(line, ENV::get);
    }

    @Test
    void tabsSpacesAndComments() {
        assertEquals(List.of("server", "s1", "10.0.0.1:80", "check"),
                split("\tserver  s1\t10.0.0.1:80 check   # a comment with \"quotes\"").words());
        assertEquals(List.of("acl", "a#b"), split("acl a\\#b#comment").words());
        assertEquals(List.of(), split("   # only a comment").words());
    }

    @Test
    void quotesAndEscapes() {
        assertEquals(List.of("log-format", "%{+Q}o %t %s"), split("log-format \"%{+Q}o %t %s\"").words());
        assertEquals(List.of("x", "a b#c$HOST"), split("x 'a b#c$HOST'").words());
        assertEquals(List.of("x", "a b"), split("x a\\ b").words());
        assertEquals(List.of("x", "ab cd"), split("x \"ab\"' cd'").words());
        assertEquals(List.of("x", "\n\t\u0041"), split("x \\n\\t\\x41").words());
        assertEquals(List.of("x", ""), split("x \"\"").words());
        assertEquals(List.of("x", "$HOST"), split("x \"\\$HOST\"").words());
    }

    @Test
    void variablesOnlyInsideDoubleQuotes() {
        assertEquals(List.of("bind", "10.0.0.1:80"), split("bind \"${HOST}:80\"").words());
        assertEquals(List.of("bind", "10.0.0.1:80"), split("bind \"$HOST:80\"").words());
        assertEquals(List.of("bind", "$HOST:80"), split("bind $HOST:80").words());
        assertEquals(List.of("log", "127.0.0.1:514"), split("log \"${SYSLOG-127.0.0.1}:514\"").words());
        assertEquals(List.of("x", ""), split("x \"${EMPTY-default}\"").words(), "a default replaces unset, not empty");
        assertEquals(List.of("x", "a", "b", "c"), split("x \"${LIST[*]}\"").words());
    }

    @Test
    void problemsAreReportedNotDropped() {
        Tokenizer.Tokens unset = split("bind \"${NOPE}:80\"");
        assertEquals(List.of("bind", ":80"), unset.words());
        assertTrue(unset.problems().get(0).contains("NOPE"), unset.problems().toString());
        assertTrue(split("x \"open").problems().get(0).contains("unterminated double quote"));
        assertTrue(split("x \\xZZ").problems().get(0).contains("hexadecimal"));
    }
}
