package hapc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import hapc.request.Action;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields an action's answer has beyond the common ones, read from its published response
 * schema (bundled in the jar): the help and the man page name what the schema names, so the
 * documentation cannot promise a field the contract does not have.
 */
final class AnswerFields {
    /** Every answer has these; they are described once, not per action. */
    static final List<String> COMMON = List.of("action", "changed", "failed", "msg", "check_mode", "error", "warnings");

    private AnswerFields() {
    }

    static List<String> of(Action action) {
        String resource = "/schemas/" + action.cliName() + ".response.schema.json";
        try (InputStream in = AnswerFields.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the jar: " + resource);
            }
            List<String> names = new ArrayList<>();
            Set<String> common = Set.copyOf(COMMON);
            try (JsonParser json = new JsonFactory().createParser(in)) {
                json.nextToken();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    json.nextToken();
                    if (field.equals("properties")) {
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            if (!common.contains(json.currentName())) {
                                names.add(json.currentName());
                            }
                            json.nextToken();
                            json.skipChildren();
                        }
                        return names;
                    }
                    json.skipChildren();
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
