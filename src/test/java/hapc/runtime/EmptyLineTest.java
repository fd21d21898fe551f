package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** AdminSocket.emptyLine, which splits answers on the bytes, finds what String.indexOf finds. */
class EmptyLineTest {
    /** Every text of up to 10 characters made of 'a' and newlines, from every start. */
    @Test
    void findsTheFirstEmptyLineAsIndexOfDoes() {
        for (int length = 0; length <= 10; length++) {
            for (int bits = 0; bits < 1 << length; bits++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    text.append((bits >> i & 1) == 1 ? '\n' : 'a');
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
                for (int from = 0; from <= length; from++) {
                    assertEquals(text.indexOf("\n\n", from), AdminSocket.emptyLine(bytes, from),
                            "'" + text.toString().replace("\n", "\\n") + "' from " + from);
                }
            }
        }
    }
}
