package hapc.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
 * Runs hapc's whole command line in-process and checks the answer's shape ({@link #strict}):
 * exactly one JSON object on stdout, nothing after it, valid against the action's published
 * response schema, whatever happened.
 */
public record HapcRun(int exit, JsonNode json, String stdout, String stderr) {
    /** Trailing tokens fail: "{...} junk" and "{...}{...}" are not one answer. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
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
        return strict(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The one check of an answer's shape, for every way hapc is run (in-process, a separate JVM,
     * a shell): stdout is exactly one JSON object on one line, ended by a newline, with nothing
     * after it (no second document, no trailing token), valid against the action's published
     * response schema (the generic error schema when the action is not known).
     */
    public static HapcRun strict(int exit, String stdout, String stderr) {
        return new HapcRun(exit, strictJson(stdout, stderr), stdout, stderr);
    }

    /** {@link #strict}'s check alone: the answer as a tree, or an AssertionError saying what is wrong. */
    public static JsonNode strictJson(String stdout, String stderr) {
        return strictJson(stdout, stderr, false);
    }

    /**
     * @param indented the answer is the indented form hapc prints when stdout is a terminal: the
     *                 same checks but the one-line one
     */
    public static JsonNode strictJson(String stdout, String stderr, boolean indented) {
        String context = "\nstdout: " + stdout + "\nstderr: " + stderr;
        if (!stdout.endsWith("\n") || !indented && stdout.indexOf('\n') != stdout.length() - 1) {
            throw new AssertionError("stdout is not exactly one line ended by a newline" + context);
        }
        JsonNode json;
        try {
            json = STRICT.readTree(stdout);
        } catch (IOException e) {
            throw new AssertionError("stdout is not exactly one JSON document: " + e.getMessage() + context, e);
        }
        if (json == null || !json.isObject()) {
            throw new AssertionError("stdout is not a JSON object" + context);
        }
        assertValid(json);
        return json;
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
