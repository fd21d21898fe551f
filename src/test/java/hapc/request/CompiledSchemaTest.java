package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import hapc.HapcException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

/**
 * The JSON-in path decides with {@link CompiledSchema} instead of networknt: here, on documents
 * generated from each published request schema (valid ones, and ones one step off a constraint:
 * a wrong type, a length or a bound one past its limit, a missing or an unknown field, a
 * duplicate in an array...), the compiled schema must refuse exactly what networknt refuses.
 * The same on test-only schemas that use every keyword of the compiled subset, so that a keyword
 * the request schemas take up later (an enum, an integer, a list of distinct names) is already
 * proven. And the published schemas themselves are checked once here, against the JSON Schema
 * 2020-12 meta-schema, rather than on every call.
 */
class CompiledSchemaTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path TEST_SCHEMAS = Path.of("src/test/resources/schemas");
    private static final Map<Path, Pair> PAIRS = new LinkedHashMap<>();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();

    /** A schema as both validators see it. */
    private record Pair(JsonNode document, CompiledSchema compiled, Schema networknt) {
    }

    @AfterContainer
    static void report() {
        System.out.println("CompiledSchemaTest: " + (ACCEPTED.get() + REFUSED.get()) + " documents, " + ACCEPTED.get()
                + " accepted and " + REFUSED.get() + " refused by both validators");
    }

    @Test
    void everyPublishedSchemaIsAValidDraft202012Schema() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<Path> files = files(SCHEMAS, ".schema.json");
        assertTrue(files.size() >= 20, "schemas found: " + files);
        for (Path file : files) {
            List<Error> errors = meta.validate(MAPPER.readTree(file.toFile()));
            assertEquals(List.of(), errors, file.toString());
        }
    }

    @Test
    void everyRequestSchemaIsCompiledSoThatNoCallNeedsNetworknt() throws IOException {
        for (Action action : Action.values()) {
            Path file = SCHEMAS.resolve(action.cliName() + ".request.schema.json");
            try {
                CompiledSchema.of(MAPPER.readTree(file.toFile()));
            } catch (CompiledSchema.Unsupported e) {
                throw new AssertionError(file + " uses what CompiledSchema does not implement (" + e.getMessage()
                        + "): every --json-in call would fall back to networknt; add the keyword to CompiledSchema,"
                        + " with a test schema here that uses it");
            }
        }
        // The class generated from them at build time holds the same text: a real call reads that.
        for (Action action : Action.values()) {
            assertEquals(MAPPER.readTree(SCHEMAS.resolve(action.cliName() + ".request.schema.json").toFile()),
                    JsonRequestReader.schemaDocument(action), action.cliName());
        }
    }

    @Test
    void whatTheSubsetDoesNotImplementIsNotCompiled() {
        for (String schema : List.of("{\"format\":\"email\"}", "{\"patternProperties\":{\"a\":true}}",
                "{\"$ref\":\"other.json\"}", "{\"$ref\":\"#anchor\"}", "{\"unevaluatedProperties\":false}",
                "{\"properties\":{\"a\":{\"$id\":\"urn:x\"}}}", "{\"x-custom\":1}")) {
            assertThrows(CompiledSchema.Unsupported.class, () -> CompiledSchema.of(MAPPER.readTree(schema)), schema);
        }
    }

    @Property(tries = 3000)
    void theCompiledSchemaRefusesExactlyWhatNetworkntRefuses(@ForAll("documents") Case one) {
        Pair pair = pair(one.schema());
        // Through the JSON-in path's own parser, so that numbers are the node types a call sees.
        JsonNode document;
        try {
            document = new JsonRequestReader().parse(one.text().getBytes(StandardCharsets.UTF_8));
        } catch (HapcException refused) {
            // A number beyond a double's range never reaches a validator: the parser refuses it.
            assertTrue(refused.getMessage().contains(" is out of range"), refused.getMessage());
            REFUSED.incrementAndGet();
            return;
        }
        boolean networkntAccepts = pair.networknt().validate(document).isEmpty();
        assertEquals(networkntAccepts, pair.compiled().accepts(document),
                one.schema() + ": " + one.text() + " networknt: " + pair.networknt().validate(document));
        (networkntAccepts ? ACCEPTED : REFUSED).incrementAndGet();
    }

    @Property(tries = 300)
    void valuesOutsideARequestAreJudgedAlikeToo(@ForAll("values") String value, @ForAll("schemas") Path schema) {
        // Any JSON value, not only objects: the subschemas (a name, a path) see every kind.
        Pair pair = pair(schema);
        JsonNode node;
        try {
            node = new JsonRequestReader().parse(("{\"v\":" + value + "}").getBytes(StandardCharsets.UTF_8)).get("v");
        } catch (HapcException refused) {
            assertTrue(refused.getMessage().contains(" is out of range"), refused.getMessage());
            return;
        }
        assertEquals(pair.networknt().validate(node).isEmpty(), pair.compiled().accepts(node), schema + ": " + value);
    }

    @Test
    void bothValidatorsAgreeOnBothOutcomesOften() {
        // Not vacuous: the generated documents reach both answers in good numbers.
        Random random = new Random(15);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 400; i++) {
            Path schema = allSchemas().get(random.nextInt(allSchemas().size()));
            JsonNode document;
            try {
                document = new JsonRequestReader().parse(
                        new Generator(pair(schema).document(), random).document().getBytes(StandardCharsets.UTF_8));
            } catch (HapcException outOfRange) {
                assertTrue(outOfRange.getMessage().contains(" is out of range"), outOfRange.getMessage());
                continue;
            }
            boolean verdict = pair(schema).compiled().accepts(document);
            assertEquals(pair(schema).networknt().validate(document).isEmpty(), verdict, document.toString());
            if (verdict) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertTrue(accepted > 60 && refused > 60, "accepted " + accepted + ", refused " + refused);
    }

    /** A generated document and the schema it was generated from. */
    record Case(Path schema, String text) {
        @Override
        public String toString() {
            return schema.getFileName() + " " + text;
        }
    }

    @Provide
    Arbitrary<Case> documents() {
        return Combinators.combine(Arbitraries.of(allSchemas()), Arbitraries.longs())
                .as((schema, seed) -> new Case(schema, new Generator(pair(schema).document(), new Random(seed)).document()));
    }

    @Provide
    Arbitrary<Path> schemas() {
        return Arbitraries.of(allSchemas());
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            return new Generator(NODES.objectNode(), random).anyValue(2);
        });
    }

    private static List<Path> allSchemas() {
        List<Path> all = new ArrayList<>();
        try {
            all.addAll(files(SCHEMAS, ".request.schema.json"));
            all.addAll(files(TEST_SCHEMAS, ".schema.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static synchronized Pair pair(Path file) {
        return PAIRS.computeIfAbsent(file, f -> {
            try (InputStream in = Files.newInputStream(f)) {
                JsonNode document = MAPPER.readTree(in);
                return new Pair(document, CompiledSchema.of(document),
                        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(document));
            } catch (IOException | CompiledSchema.Unsupported e) {
                throw new IllegalStateException(f + ": " + e, e);
            }
        });
    }

    /**
     * Writes documents for one schema, guided by the schema itself (no field of hapc is known
     * here): each property present or not, its value mostly one its subschema accepts, else
     * one step off (a type, a length, a bound, an item), sometimes anything at all; sometimes
     * a required property left out or an unknown one added.
     */
    static final class Generator {
        private final JsonNode root;
        private final Random random;

        Generator(JsonNode root, Random random) {
            this.root = root;
            this.random = random;
        }

        String document() {
            ObjectNode document = NODES.objectNode();
            JsonNode properties = root.path("properties");
            List<String> required = new ArrayList<>();
            root.path("required").forEach(r -> required.add(r.asText()));
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                boolean present = required.contains(property.getKey()) ? random.nextInt(25) != 0 : random.nextInt(3) == 0;
                if (present) {
                    document.set(property.getKey(), value(property.getValue(), random.nextInt(12) == 0));
                }
            }
            if (random.nextInt(20) == 0) {
                document.set(pick("force", "Backend", "backend ", "", "servers", "x"), anyNode(1));
            }
            return write(document);
        }

        /** A value for a subschema: accepted by it (mostly), or a near miss when {@code off}. */
        private JsonNode value(JsonNode schema, boolean off) {
            schema = resolve(schema);
            if (schema.isBoolean()) {
                return anyNode(1);
            }
            if (random.nextInt(30) == 0) {
                return anyNode(2);
            }
            for (String choice : List.of("oneOf", "anyOf", "allOf")) {
                if (schema.has(choice)) {
                    JsonNode branches = schema.get(choice);
                    JsonNode branch = branches.get(random.nextInt(branches.size()));
                    JsonNode merged = merged(schema, choice, branch);
                    return value(merged, off);
                }
            }
            if (schema.has("const")) {
                return off ? anyNode(1) : schema.get("const");
            }
            if (schema.has("enum")) {
                JsonNode values = schema.get("enum");
                return off ? pickNode(NODES.textNode(values.get(0).asText() + "x"), NODES.textNode(""), anyNode(1))
                        : values.get(random.nextInt(values.size()));
            }
            String type = typeOf(schema);
            if (off && random.nextInt(3) == 0) {
                return wrongType(type);
            }
            return switch (type) {
                case "string" -> NODES.textNode(string(schema, off));
                case "integer", "number" -> number(schema, type.equals("integer"), off);
                case "boolean" -> NODES.booleanNode(random.nextBoolean());
                case "array" -> array(schema, off);
                case "object" -> NODES.objectNode().set("a", anyNode(1));
                case "null" -> NODES.nullNode();
                default -> anyNode(1);
            };
        }

        private JsonNode merged(JsonNode schema, String choice, JsonNode branch) {
            ObjectNode merged = ((ObjectNode) schema).deepCopy();
            merged.remove(choice);
            JsonNode resolved = resolve(branch);
            if (resolved.isObject()) {
                merged.setAll((ObjectNode) resolved.deepCopy());
            }
            return merged;
        }

        private JsonNode resolve(JsonNode schema) {
            for (int i = 0; i < 10 && schema.has("$ref"); i++) {
                ObjectNode rest = ((ObjectNode) schema).deepCopy();
                JsonNode target = root.at(rest.remove("$ref").asText().substring(1));
                if (target.isObject()) {
                    ObjectNode merged = ((ObjectNode) target).deepCopy();
                    merged.setAll(rest);
                    schema = merged;
                } else {
                    schema = target;
                }
            }
            return schema;
        }

        private static String typeOf(JsonNode schema) {
            JsonNode type = schema.get("type");
            if (type == null) {
                return schema.has("items") ? "array" : schema.has("minLength") || schema.has("pattern") ? "string" : "any";
            }
            return type.isArray() ? type.get(0).asText() : type.asText();
        }

        private String string(JsonNode schema, boolean off) {
            long min = schema.path("minLength").asLong(0);
            long max = schema.path("maxLength").asLong(20);
            String good = switch (random.nextInt(6)) {
                case 0 -> "web1";
                case 1 -> "a.b:c_d-9";
                case 2 -> "/run/haproxy/admin.sock";
                case 3 -> "é".repeat((int) Math.max(1, min));
                case 4 -> "\uD83D\uDE00".repeat((int) Math.max(1, Math.min(max, 300))); // surrogate pairs
                default -> "x".repeat((int) Math.max(min, Math.min(max, 1 + random.nextInt(300))));
            };
            if (!off) {
                return good;
            }
            return switch (random.nextInt(9)) {
                case 0 -> "";
                case 1 -> "x".repeat((int) Math.min(max + 1, 10000));
                case 2 -> "x".repeat((int) Math.max(0, min - 1));
                case 3 -> "a/b";
                case 4 -> "a b";
                case 5 -> "abc\n";
                case 6 -> "a\u0000b";
                case 7 -> "\n";
                default -> good + "\uD83D\uDE00";
            };
        }

        private JsonNode number(JsonNode schema, boolean integer, boolean off) {
            List<BigDecimal> near = new ArrayList<>();
            for (String bound : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
                if (schema.has(bound)) {
                    BigDecimal limit = schema.get(bound).decimalValue();
                    near.add(limit);
                    near.add(limit.add(BigDecimal.ONE));
                    near.add(limit.subtract(BigDecimal.ONE));
                    near.add(limit.add(new BigDecimal("0.5")));
                    near.add(limit.subtract(new BigDecimal("1E-9")));
                    near.add(limit.add(new BigDecimal("1E-20"))); // the same double as the limit
                }
            }
            near.addAll(List.of(BigDecimal.ZERO, BigDecimal.ONE, new BigDecimal("1.0"), new BigDecimal("0.1"),
                    new BigDecimal("-1"), new BigDecimal("2.5"), new BigDecimal("60")));
            if (off) {
                near.addAll(List.of(new BigDecimal("1E+400"), new BigDecimal("-1E+400"), new BigDecimal("1E-400"),
                        new BigDecimal(new BigInteger("99999999999999999999999")), new BigDecimal("9223372036854775807"),
                        new BigDecimal("1E+300"), new BigDecimal("-0.0")));
            }
            BigDecimal value = near.get(random.nextInt(near.size()));
            if (integer && !off) {
                value = value.setScale(0, java.math.RoundingMode.FLOOR);
            }
            return NODES.numberNode(value);
        }

        private JsonNode array(JsonNode schema, boolean off) {
            ArrayNode array = NODES.arrayNode();
            long min = schema.path("minItems").asLong(0);
            long max = schema.path("maxItems").asLong(4);
            long size = off ? pick(0L, max + 1, Math.max(0, min - 1), min) : min + random.nextInt((int) (max - min) + 1);
            JsonNode items = schema.path("items");
            for (int i = 0; i < size; i++) {
                JsonNode item = items.isMissingNode() ? anyNode(1) : value(items, off && random.nextInt(3) == 0);
                array.add(item);
            }
            if (array.size() > 0 && random.nextInt(4) == 0) {
                array.add(array.get(0)); // a duplicate, for uniqueItems
            }
            return array;
        }

        private JsonNode wrongType(String type) {
            return switch (type) {
                case "string" -> pickNode(NODES.numberNode(1), NODES.booleanNode(true), NODES.nullNode(),
                        NODES.arrayNode().add("web1"));
                case "integer" -> pickNode(NODES.numberNode(1.5), NODES.textNode("1"), NODES.numberNode(new BigDecimal("2.0")));
                case "number" -> pickNode(NODES.textNode("1"), NODES.booleanNode(false), NODES.nullNode());
                case "boolean" -> pickNode(NODES.textNode("true"), NODES.numberNode(1), NODES.nullNode());
                case "array" -> pickNode(NODES.textNode("web1"), NODES.objectNode(), NODES.nullNode());
                default -> anyNode(1);
            };
        }

        /** Any JSON value (nested to {@code depth}), as JSON text. */
        String anyValue(int depth) {
            return write(anyNode(depth));
        }

        private JsonNode anyNode(int depth) {
            int kind = random.nextInt(depth > 0 ? 9 : 7);
            return switch (kind) {
                case 0 -> NODES.textNode(pick("web1", "", "a b", "abc\n", "\u0000", "x".repeat(256), "drain-server", "1"));
                case 1 -> NODES.numberNode(pick(new BigDecimal("0"), new BigDecimal("-1"), new BigDecimal("0.5"),
                        new BigDecimal("604800"), new BigDecimal("604800.5"), new BigDecimal("1E+400"),
                        new BigDecimal("99999999999999999999"), new BigDecimal("3.0")));
                case 2 -> NODES.booleanNode(random.nextBoolean());
                case 3 -> NODES.nullNode();
                case 4 -> NODES.numberNode(random.nextInt(2000) - 1000);
                case 5 -> NODES.textNode("s" + random.nextInt(100));
                case 6 -> NODES.numberNode(random.nextLong());
                case 7 -> {
                    ArrayNode array = NODES.arrayNode();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        array.add(anyNode(depth - 1));
                    }
                    yield array;
                }
                default -> {
                    ObjectNode object = NODES.objectNode();
                    for (int i = random.nextInt(3); i > 0; i--) {
                        object.set(pick("a", "backend", "server", "action"), anyNode(depth - 1));
                    }
                    yield object;
                }
            };
        }

        @SafeVarargs
        private <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private JsonNode pickNode(JsonNode... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private static String write(JsonNode node) {
            try {
                return MAPPER.writeValueAsString(node);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
