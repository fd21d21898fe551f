package hapc.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The indented JSON a person sees at a terminal is laid out like jq's, which is what people
 * compare it with; the one-line form for programs is untouched.
 */
class PrettyJsonTest {
    private static String write(Map<String, ?> document, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonWriter.write(document, out, pretty);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> answer() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("action", "check-safe-to-remove");
        answer.put("safe", true);
        answer.put("reasons", List.of());
        answer.put("diff", Map.of());
        answer.put("workers", List.of(Map.of("pid", 12)));
        return answer;
    }

    @Test
    void indentedLikeJq() {
        assertEquals("""
                {
                  "action": "check-safe-to-remove",
                  "safe": true,
                  "reasons": [],
                  "diff": {},
                  "workers": [
                    {
                      "pid": 12
                    }
                  ]
                }
                """, write(answer(), true));
    }

    @Test
    void oneLineForPrograms() {
        assertEquals("{\"action\":\"check-safe-to-remove\",\"safe\":true,\"reasons\":[],\"diff\":{},"
                + "\"workers\":[{\"pid\":12}]}\n", write(answer(), false));
    }
}
