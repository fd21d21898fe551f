package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The command line is driven by the Field/Action tables, the JSON path by the published
 * schemas: this keeps the two from drifting apart.
 */
class SchemaTablesAgreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyActionHasBothSchemasWithTheFieldsItAccepts() throws IOException {
        for (Action action : Action.values()) {
            JsonNode request = MAPPER.readTree(Files.readString(
                    Path.of("schemas", action.cliName() + ".request.schema.json")));
            assertTrue(Files.exists(Path.of("schemas", action.cliName() + ".response.schema.json")), action.cliName());
            assertEquals("https://json-schema.org/draft/2020-12/schema", request.get("$schema").asText());
            assertEquals(false, request.get("additionalProperties").asBoolean(true), action.cliName());

            Set<String> inSchema = new TreeSet<>();
            request.get("properties").fieldNames().forEachRemaining(inSchema::add);
            inSchema.remove("action");
            Set<String> inTable = new TreeSet<>();
            for (Field field : Field.values()) {
                if (action.accepts(field)) {
                    inTable.add(field.jsonName());
                }
            }
            assertEquals(inTable, inSchema, action.cliName());

            Set<String> required = new TreeSet<>();
            request.get("required").forEach(node -> required.add(node.asText()));
            required.remove("action");
            Set<String> requiredInTable = new TreeSet<>();
            action.requiredFields().forEach(field -> requiredInTable.add(field.jsonName()));
            assertEquals(requiredInTable, required, action.cliName());
        }
    }

    @Test
    void theNamePatternIsTheAllowList() throws IOException {
        JsonNode schema = MAPPER.readTree(Files.readString(Path.of("schemas", "drain-server.request.schema.json")));
        String pattern = schema.at("/$defs/name/pattern").asText();
        for (String name : new String[] {"web-1", "a.b:c_d", "a;b", "a b", "a/b", "é"}) {
            assertEquals(Names.isValid(name), name.matches(pattern.replace("^", "").replace("$", "")), name);
        }
    }
}
