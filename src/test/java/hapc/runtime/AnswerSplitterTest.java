package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hapc.HapcException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AnswerSplitter, which cuts answers into lines as the bytes arrive, gives the answers that
 * cutting the whole text at each empty line gives, however the bytes are split between reads.
 */
class AnswerSplitterTest {
    private static final List<String> COMMANDS = List.of("a", "b", "c");
    private static final SocketTarget TARGET = SocketTarget.parse("/nonexistent.sock");

    /** Every text of up to 10 characters of 'a', 'é' and newlines, in reads of 1 to 4 bytes and whole. */
    @Test
    void answersAsCuttingTheWholeTextAtEmptyLines() {
        char[] alphabet = {'a', '\n', 'é'};
        for (int length = 0; length <= 10; length++) {
            for (int n = 0; n < Math.pow(alphabet.length, length); n++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0, v = n; i < length; i++, v /= alphabet.length) {
                    text.append(alphabet[v % alphabet.length]);
                }
                List<String> expected = reference(text.toString());
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                for (int read : new int[] {1, 2, 3, 4, Integer.MAX_VALUE}) {
                    assertEquals(expected, split(bytes, read), "'" + text.toString().replace("\n", "\\n") + "' in reads of " + read);
                }
            }
        }
    }

    /** The answers as the whole text cut at "\n\n" gives them, then "cut off" when short. */
    private static List<String> reference(String text) {
        List<String> answers = new ArrayList<>();
        int start = 0;
        while (answers.size() < COMMANDS.size()) {
            int end = start < text.length() && text.charAt(start) == '\n' ? start : text.indexOf("\n\n", start);
            if (end < 0) {
                answers.add("cut off");
                return answers;
            }
            answers.add(text.substring(start, end));
            start = end + (end == start ? 1 : 2);
        }
        return answers;
    }

    private static List<String> split(byte[] bytes, int read) {
        List<StringBuilder> texts = new ArrayList<>();
        COMMANDS.forEach(c -> texts.add(new StringBuilder()));
        AnswerSplitter splitter = new AnswerSplitter(COMMANDS.size(), (command, line) -> {
            if (!texts.get(command).isEmpty()) {
                texts.get(command).append('\n');
            }
            texts.get(command).append(line);
        });
        for (int at = 0; at < bytes.length; at += read) {
            byte[] buffer = Arrays.copyOfRange(bytes, at, (int) Math.min(bytes.length, (long) at + read));
            splitter.feed(buffer, buffer.length);
        }
        List<String> answers = new ArrayList<>();
        try {
            splitter.end(COMMANDS, TARGET, bytes.length);
        } catch (HapcException e) {
            int whole = Integer.parseInt(e.getMessage().replaceAll(".*cut off after (\\d+) of.*", "$1"));
            texts.subList(0, whole).forEach(t -> answers.add(t.toString()));
            answers.add("cut off");
            return answers;
        }
        texts.forEach(t -> answers.add(t.toString()));
        return answers;
    }
}
