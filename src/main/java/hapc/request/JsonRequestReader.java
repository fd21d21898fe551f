package hapc.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import hapc.HapcException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON-in path: one strict JSON document, validated against the action's published request
 * schema. Loaded only when --json-in is used, so the command-line path never pays for Jackson's
 * data binding or the schema validator.
 *
 * <p>Documents (the request and the schema) are read with Jackson's streaming parser into
 * databind's tree nodes directly, without an ObjectMapper: building one initialises date
 * formats and the JDK's locale data, measured at about a third of a JSON-in call's time.
 */
public final class JsonRequestReader {
    /** Generous for any real request, small enough that a hostile one cannot exhaust memory. */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_NESTING = 32;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strict: duplicate keys refused, no NaN/Infinity (off by default), bounded nesting and strings. */
    private final JsonFactory json = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).maxStringLength(MAX_BYTES).build())
            .build();

    public JsonRequestReader() {
    }

    /** Reads the document from a path, or from {@code stdin} when the path is "-". */
    public static byte[] slurp(String source, InputStream stdin) {
        try (InputStream in = source.equals("-") ? stdin : Files.newInputStream(Path.of(source))) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw HapcException.invalid("the JSON request is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
            }
            return bytes;
        } catch (java.nio.file.NoSuchFileException e) {
            throw HapcException.invalid("cannot read the JSON request from " + source + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw HapcException.invalid("cannot read the JSON request from " + source + ": permission denied");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw HapcException.invalid("cannot read the JSON request from " + source + ": " + e.getMessage());
        }
    }

    /** Parses and validates in one step: {@link #document} then {@link #request}. */
    public Request read(byte[] document, String actionFromCommandLine, Map<Field, Object> fromCommandLine) {
        return request(document(document, actionFromCommandLine, fromCommandLine));
    }

    /**
     * Parses the document and adds the fields given as options ({@code fromCommandLine}); a
     * field given both ways is refused. Knowing the action this early lets a refused request
     * still be answered in its action's shape.
     */
    public Document document(byte[] bytes, String actionFromCommandLine, Map<Field, Object> fromCommandLine) {
        ObjectNode root = parse(bytes);
        if (actionFromCommandLine != null) {
            if (root.has("action")) {
                throw HapcException.invalid("the action is given both on the command line and in the JSON request");
            }
            root.put("action", actionFromCommandLine);
        }
        for (Map.Entry<Field, Object> option : fromCommandLine.entrySet()) {
            String name = option.getKey().jsonName();
            if (root.has(name)) {
                throw HapcException.invalid("field " + name + " is given both on the command line and in the JSON request");
            }
            root.set(name, toNode(option.getValue()));
        }
        return new Document(root, actionOf(root));
    }

    /** Checks the document against the action's request schema and the request rules. */
    public Request request(Document document) {
        Map<Field, Object> values = typedValues(document.root());
        checkNamesAndPathsFirst(values);
        validate(document.action(), document.root());
        return Request.of(document.action(), values);
    }

    /** A parsed request document whose action is known, not yet validated. */
    public record Document(ObjectNode root, Action action) {
        /** The check_mode the document asks for, when it is a boolean. */
        public boolean checkMode() {
            return root.path("check_mode").asBoolean(false) && root.path("check_mode").isBoolean();
        }
    }

    ObjectNode parse(byte[] document) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(document)).toString();
        } catch (CharacterCodingException e) {
            throw HapcException.invalid("the JSON request is not valid UTF-8");
        }
        if (text.isBlank()) {
            throw HapcException.invalid("the JSON request is empty");
        }
        JsonNode node;
        try (JsonParser parser = json.createParser(text)) {
            node = tree(parser, parser.nextToken());
            if (parser.nextToken() != null) {
                throw HapcException.invalid("the request is not one valid JSON document: something follows the end"
                        + " of the document; exactly one JSON object is expected (line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr()
                        + ")");
            }
        } catch (JsonProcessingException e) {
            throw HapcException.invalid("the request is not one valid JSON document: " + JsonErrors.describe(e));
        } catch (IOException e) {
            throw HapcException.invalid("the request is not one valid JSON document: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw HapcException.invalid("the JSON request must be an object, not " + kindOf(node));
        }
        return object;
    }

    /** The value that starts at {@code token}, as the tree ObjectMapper.readTree would build. */
    private static JsonNode tree(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "no JSON value");
        }
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    object.set(name, tree(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    array.add(tree(parser, item));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected " + token);
        }
    }

    /** A command-line value (String, Boolean, Double or List of String) as a JSON node. */
    @SuppressWarnings("unchecked")
    private static JsonNode toNode(Object value) {
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            ((List<String>) list).forEach(array::add);
            return array;
        }
        return NODES.textNode(String.valueOf(value));
    }

    private static String kindOf(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase();
    }

    private static Action actionOf(ObjectNode root) {
        JsonNode action = root.get("action");
        if (action == null) {
            throw HapcException.invalid("the JSON request has no \"action\"");
        }
        if (!action.isTextual()) {
            throw HapcException.invalid("\"action\" must be a string, not " + kindOf(action));
        }
        for (Action known : Action.values()) {
            if (known.cliName().equals(action.asText())) {
                return known;
            }
        }
        throw HapcException.invalid("unknown action " + Names.quoteForMessage(action.asText()));
    }

    /**
     * Typed values of the known fields whose JSON type is right; the schema reports the rest.
     * (Loops rather than streams and lambdas here: each lambda's first use links it through
     * invokedynamic, a cost that this once-per-process path pays in full.)
     */
    private static Map<Field, Object> typedValues(ObjectNode root) {
        Map<Field, Object> values = new EnumMap<>(Field.class);
        Field[] fields = Field.values();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            for (Field field : fields) {
                if (field.jsonName().equals(entry.getKey())) {
                    Object value = typed(field, entry.getValue());
                    if (value != null) {
                        values.put(field, value);
                    }
                    break;
                }
            }
        }
        return values;
    }

    private static Object typed(Field field, JsonNode node) {
        return switch (field.type()) {
            case FLAG -> node.isBoolean() ? node.booleanValue() : null;
            case SECONDS -> node.isNumber() ? node.doubleValue() : null;
            case COUNT -> node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
            case NAME, PATH, CHOICE, TEXT -> node.isTextual() ? node.textValue() : null;
            case WEIGHT -> node.isNumber() ? node.numberValue() : node.isTextual() ? node.textValue() : null;
            case PATHS, NAMES -> {
                if (node.isTextual()) {
                    yield node.textValue();
                }
                if (!node.isArray()) {
                    yield null;
                }
                List<String> list = new ArrayList<>();
                for (JsonNode item : node) {
                    if (!item.isTextual()) {
                        yield null;
                    }
                    list.add(item.textValue());
                }
                yield list;
            }
        };
    }

    /**
     * A bad name gets the allow-list's message, which says which character is wrong, and a bad
     * path says NUL, newline or length in words: the schema's own message for these is a regular
     * expression and, for the config field, three lines about oneOf.
     */
    @SuppressWarnings("unchecked")
    private static void checkNamesAndPathsFirst(Map<Field, Object> values) {
        for (Map.Entry<Field, Object> entry : values.entrySet()) {
            Field field = entry.getKey();
            Object value = entry.getValue();
            switch (field.type()) {
                case NAME -> Names.require(field.jsonName(), (String) value);
                case NAMES -> (value instanceof String single ? List.of(single) : (List<String>) value)
                        .forEach(name -> Names.require(field.jsonName(), name));
                case PATH -> Request.checkPath(field, (String) value);
                case TEXT -> HoldText.require(field, (String) value);
                case PATHS -> {
                    List<String> paths = value instanceof String single ? List.of(single) : (List<String>) value;
                    for (String path : paths) {
                        Request.checkPath(field, path);
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * The compiled schema decides when it accepts; a refusal (or a schema outside the compiled
     * subset) goes to networknt, which words the message and has the last word, so the compiled
     * schema can only make a call faster, never stricter.
     */
    private static void validate(Action action, ObjectNode root) {
        JsonNode schema = schemaDocument(action);
        CompiledSchema compiled;
        try {
            compiled = CompiledSchema.of(schema);
        } catch (CompiledSchema.Unsupported e) {
            compiled = null;
        }
        if (compiled != null && compiled.accepts(root)) {
            return;
        }
        List<Error> errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
                .validate(root);
        if (!errors.isEmpty()) {
            throw HapcException.invalid("the request does not match the " + action.cliName() + " request schema: "
                    + errors.stream().limit(5).map(JsonRequestReader::describe).collect(Collectors.joining("; ")));
        }
    }

    /** "/wait: string found, boolean expected"; a problem of the whole document has no location. */
    private static String describe(Error error) {
        String where = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        return where.isEmpty() || where.equals("$") ? error.getMessage() : where + ": " + error.getMessage();
    }

    /**
     * The action's published request schema: the text of schemas/ACTION.request.schema.json,
     * compiled into RequestSchemaTexts at build time (a class comes from the class-data-sharing
     * archive; a resource costs a lookup in the JDK's image and the jar on every call); the jar's
     * copy when that class does not know the action (a build that skipped the generation).
     */
    static JsonNode schemaDocument(Action action) {
        String text = RequestSchemaTexts.of(action.cliName());
        try {
            if (text != null) {
                try (JsonParser parser = new JsonFactory().createParser(text)) {
                    return tree(parser, parser.nextToken());
                }
            }
            String resource = "/schemas/" + action.cliName() + ".request.schema.json";
            try (InputStream in = JsonRequestReader.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("schema missing from the jar: " + resource);
                }
                try (JsonParser parser = new JsonFactory().createParser(in)) {
                    return tree(parser, parser.nextToken());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the " + action.cliName() + " request schema", e);
        }
    }
}
