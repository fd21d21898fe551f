package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.request.Action;
import hapc.request.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every hapc command line shown in the help and the man page is a valid request: parsed by the
 * real parser and validated by the real request rules, so an example cannot teach an option
 * that was renamed or does not apply to its action.
 */
class ExamplesTest {
    @Test
    void everyExampleIsAValidRequest() {
        List<String> shells = new ArrayList<>(Help.EXAMPLES);
        for (Action action : Action.values()) {
            ActionDocs.of(action).examples().forEach(e -> shells.add(e.command()));
        }
        ManPage.workflows().forEach(w -> shells.add(w[1]));
        int checked = 0;
        for (String shell : shells) {
            for (List<String> words : hapcCalls(shell)) {
                Arguments arguments = ArgumentParser.parse(words.toArray(String[]::new));
                if (arguments.jsonIn() == null) {
                    Optional<Action> action = Action.byName(arguments.actionName());
                    assertTrue(action.isPresent(), "unknown action in: " + shell);
                    Request.of(action.get(), arguments.values());
                }
                checked++;
            }
        }
        assertTrue(checked >= 20, "only " + checked + " example calls found");
    }

    @Test
    void theSplitterFindsEachCallOfAPipeline() {
        assertEquals(List.of(List.of("drain-server", "-b", "web"), List.of("check-safe-to-remove", "-s", "a b")),
                hapcCalls("hapc drain-server -b web &&\n  hapc check-safe-to-remove -s 'a b' >/dev/null"));
        assertFalse(hapcCalls("for b in $(hapc list-backends | jq -r .x); do :; done").isEmpty());
    }

    /**
     * The hapc calls in a shell snippet, as argv after "hapc": words split like sh does for
     * these simple snippets (quotes kept together), each call ending at |, &&, ;, ), a line's
     * end or a redirection, and shell variables given a plausible name.
     */
    static List<List<String>> hapcCalls(String shell) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        String text = shell.replace("$(", " ( ").replace("\"$b\"", "web").replace("\\\n", " ").replace("\n", " ; ");
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        List<List<String>> calls = new ArrayList<>();
        List<String> call = null;
        for (String w : words) {
            boolean end = w.equals("|") || w.equals("&&") || w.equals(")") || w.startsWith(">") || w.startsWith("#")
                    || w.equals("do") || w.equals(";");
            if (call != null && (end || w.endsWith(";") || w.endsWith(")"))) {
                if (!end) {
                    call.add(w.substring(0, w.length() - 1));
                }
                calls.add(call);
                call = null;
            } else if (call != null) {
                call.add(w);
            } else if (w.equals("hapc")) {
                call = new ArrayList<>();
            }
        }
        if (call != null) {
            calls.add(call);
        }
        return calls;
    }
}
