package hapc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import hapc.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs hapc's whole command line in-process and checks the answer's shape: exactly one JSON
 * object on stdout, valid against the action's published response schema, whatever happened.
 */
public record HapcRun(int exit, JsonNode json, String stdout, String stderr) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    public static HapcRun run(String... args) {
        return runWithInput("", args);
    }

    public static HapcRun runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Cli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false).run(args);
        String stdout = out.toString(StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = MAPPER.readTree(stdout);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document: " + stdout, e);
        }
        if (stdout.strip().contains("\n")) {
            throw new AssertionError("stdout has more than one line: " + stdout);
        }
        assertValid(json);
        return new HapcRun(exit, json, stdout, err.toString(StandardCharsets.UTF_8));
    }

    /** Validates an answer against schemas/ACTION.response.schema.json (or the generic error one). */
    public static void assertValid(JsonNode answer) {
        String action = answer.path("action").isTextual() ? answer.get("action").asText() : "error";
        Path file = Path.of("schemas", action + ".response.schema.json");
        if (!Files.exists(file)) {
            file = Path.of("schemas", "error.response.schema.json");
        }
        Path chosen = file;
        Schema schema = SCHEMAS.computeIfAbsent(chosen.toString(), key -> {
            try {
                return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                        .getSchema(Files.newInputStream(chosen));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<Error> errors = schema.validate(answer);
        if (!errors.isEmpty()) {
            throw new AssertionError("answer does not match " + chosen + ": " + errors + "\n" + answer);
        }
    }

    public String msg() {
        return json.path("msg").asText();
    }

    public String errorKind() {
        return json.path("error").path("kind").asText(null);
    }

    public boolean changed() {
        return json.path("changed").asBoolean();
    }

    public boolean failed() {
        return json.path("failed").asBoolean();
    }
}
