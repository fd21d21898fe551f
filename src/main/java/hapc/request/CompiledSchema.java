package hapc.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.regex.JDKRegularExpressionFactory;
import com.networknt.schema.regex.RegularExpression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A published request schema compiled into plain checks that only say yes or no: what the JSON-in
 * path runs on every call instead of the networknt validator, whose start-up (its keyword and
 * format registries, dialect and meta-schema set-up) cost about 45 ms of a 170 ms call. The
 * schema is still the published one (schemas/, carried in the jar as RequestSchemaTexts),
 * compiled on every call: nothing here knows a field of hapc, so a new field, action or
 * constraint in schemas/ needs no change here as long as it uses the keywords below.
 *
 * <p>Only a subset of JSON Schema 2020-12 is implemented: the keywords a request schema has a
 * use for. A schema with any other keyword (or a $ref that does not point into itself) is not
 * compiled at all ({@link Unsupported}); the caller then validates with networknt, so an
 * unsupported keyword can make a call slower, never laxer. CompiledSchemaTest checks that every
 * published request schema compiles and, on generated documents, that this refuses exactly
 * what networknt refuses. On a refusal the caller asks networknt for the message, so the
 * messages are networknt's as before.
 */
final class CompiledSchema {
    /** The schema uses something this subset does not implement. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** One compiled (sub)schema. */
    private interface Check {
        boolean accepts(JsonNode node);
    }

    /** Keywords that only annotate: they never change whether a document is valid. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
            "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs");

    private final JsonNode root;
    /** Compiled $ref targets by JSON pointer; filled while compiling, so a recursive $ref terminates. */
    private final Map<String, Ref> refs = new HashMap<>();
    private final Check check;

    private CompiledSchema(JsonNode root) throws Unsupported {
        this.root = root;
        this.check = compile(root, true);
    }

    static CompiledSchema of(JsonNode schema) throws Unsupported {
        return new CompiledSchema(schema);
    }

    boolean accepts(JsonNode document) {
        return check.accepts(document);
    }

    private Check compile(JsonNode schema, boolean isRoot) throws Unsupported {
        if (schema.isBoolean()) {
            return new Always(schema.booleanValue());
        }
        if (!schema.isObject()) {
            throw new Unsupported("a schema must be an object or a boolean");
        }
        List<Check> checks = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> keyword = it.next();
            String name = keyword.getKey();
            if (name.equals("$id") && !isRoot) {
                throw new Unsupported("$id below the root (it would change how $ref resolves)");
            }
            if (ANNOTATIONS.contains(name)) {
                continue;
            }
            Check compiled = keyword(name, keyword.getValue(), schema);
            if (compiled != null) {
                checks.add(compiled);
            }
        }
        return checks.size() == 1 ? checks.get(0) : new AllOf(checks.toArray(new Check[0]));
    }

    /** One keyword's check; null when it adds nothing on its own (then/else, read by "if"). */
    private Check keyword(String name, JsonNode value, JsonNode schema) throws Unsupported {
        switch (name) {
            case "type":
                return type(value);
            case "const":
                return new Const(value);
            case "enum":
                requireArray(name, value);
                return new Enum(value);
            case "minLength":
                return new Length(count(name, value), Long.MAX_VALUE);
            case "maxLength":
                return new Length(0, count(name, value));
            case "pattern":
                if (!value.isTextual()) {
                    throw new Unsupported("pattern must be a string");
                }
                // networknt's own default pattern dialect, so that both read a pattern alike: the
                // JDK's regex made closer to ECMA 262 ('$' only at the very end, not before a
                // final newline; long-form character properties), matched anywhere (find).
                return new Matches(JDKRegularExpressionFactory.getInstance().getRegularExpression(value.textValue()));
            case "minimum":
                return new Bound(number(name, value), 0, 1);
            case "maximum":
                return new Bound(number(name, value), -1, 0);
            case "exclusiveMinimum":
                return new Bound(number(name, value), 1, 1);
            case "exclusiveMaximum":
                return new Bound(number(name, value), -1, -1);
            case "properties":
                return properties(value);
            case "required":
                requireArray(name, value);
                return new Required(strings(name, value));
            case "additionalProperties": {
                JsonNode properties = schema.get("properties");
                Set<String> known = new HashSet<>();
                if (properties != null) {
                    for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
                        known.add(names.next());
                    }
                }
                return new Additional(known, compile(value, false));
            }
            case "minProperties":
                return new Size(true, count(name, value), Long.MAX_VALUE);
            case "maxProperties":
                return new Size(true, 0, count(name, value));
            case "dependentRequired":
                return dependentRequired(value);
            case "items":
                return new Items(compile(value, false));
            case "minItems":
                return new Size(false, count(name, value), Long.MAX_VALUE);
            case "maxItems":
                return new Size(false, 0, count(name, value));
            case "uniqueItems":
                if (!value.isBoolean()) {
                    throw new Unsupported("uniqueItems must be a boolean");
                }
                return value.booleanValue() ? new Unique() : null;
            case "allOf":
                return new AllOf(subschemas(name, value));
            case "anyOf":
                return new Count(subschemas(name, value), 1, Integer.MAX_VALUE);
            case "oneOf":
                return new Count(subschemas(name, value), 1, 1);
            case "not":
                return new Not(compile(value, false));
            case "if":
                return new IfThenElse(compile(value, false),
                        schema.has("then") ? compile(schema.get("then"), false) : new Always(true),
                        schema.has("else") ? compile(schema.get("else"), false) : new Always(true));
            case "then", "else":
                return null; // read by "if"; without an "if" they do nothing
            case "$ref":
                return ref(value);
            default:
                throw new Unsupported("keyword " + name + " is not in the compiled subset");
        }
    }

    private static Check type(JsonNode value) throws Unsupported {
        List<String> types = new ArrayList<>();
        if (value.isTextual()) {
            types.add(value.textValue());
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                types.add(item.asText());
            }
        } else {
            throw new Unsupported("type must be a string or an array");
        }
        for (String type : types) {
            if (!Set.of("string", "number", "integer", "boolean", "object", "array", "null").contains(type)) {
                throw new Unsupported("unknown type " + type);
            }
        }
        return new Type(types.toArray(new String[0]));
    }

    private Check properties(JsonNode value) throws Unsupported {
        if (!value.isObject()) {
            throw new Unsupported("properties must be an object");
        }
        Map<String, Check> checks = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            checks.put(property.getKey(), compile(property.getValue(), false));
        }
        return new Properties(checks);
    }

    private static Check dependentRequired(JsonNode value) throws Unsupported {
        if (!value.isObject()) {
            throw new Unsupported("dependentRequired must be an object");
        }
        Map<String, List<String>> dependencies = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            requireArray("dependentRequired", entry.getValue());
            dependencies.put(entry.getKey(), strings("dependentRequired", entry.getValue()));
        }
        return new DependentRequired(dependencies);
    }

    private Check[] subschemas(String name, JsonNode value) throws Unsupported {
        requireArray(name, value);
        if (value.isEmpty()) {
            throw new Unsupported(name + " must not be empty");
        }
        List<Check> list = new ArrayList<>();
        for (JsonNode item : value) {
            list.add(compile(item, false));
        }
        return list.toArray(new Check[0]);
    }

    /** A $ref into this same schema ("#" or "#/json/pointer"); anything else is not compiled. */
    private Check ref(JsonNode value) throws Unsupported {
        if (!value.isTextual() || !value.textValue().startsWith("#")) {
            throw new Unsupported("$ref to another document: " + value);
        }
        String pointer = value.textValue().substring(1);
        if (!pointer.isEmpty() && !pointer.startsWith("/") || pointer.contains("%")) {
            throw new Unsupported("$ref to an anchor or an escaped pointer: " + value);
        }
        Ref target = refs.get(pointer);
        if (target == null) {
            target = new Ref();
            refs.put(pointer, target);
            JsonNode node = root.at(pointer);
            if (node.isMissingNode()) {
                throw new Unsupported("$ref to nothing: " + value);
            }
            target.check = compile(node, pointer.isEmpty());
        }
        return target;
    }

    private static List<String> strings(String keyword, JsonNode array) throws Unsupported {
        List<String> names = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                throw new Unsupported(keyword + " must list strings");
            }
            names.add(item.textValue());
        }
        return names;
    }

    // The checks, one class each rather than lambdas: a lambda is linked through invokedynamic on
    // its first use, which costs a call like this one a few milliseconds in all.

    private record Always(boolean value) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return value;
        }
    }

    private record AllOf(Check[] all) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            for (Check one : all) {
                if (!one.accepts(node)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** anyOf (at least one), oneOf (exactly one). */
    private record Count(Check[] all, int min, int max) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            int passed = 0;
            for (Check one : all) {
                if (one.accepts(node)) {
                    passed++;
                }
            }
            return passed >= min && passed <= max;
        }
    }

    private record Not(Check check) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return !check.accepts(node);
        }
    }

    private record IfThenElse(Check condition, Check then, Check otherwise) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return condition.accepts(node) ? then.accepts(node) : otherwise.accepts(node);
        }
    }

    /** Resolved once the target is compiled (a schema may refer to itself). */
    private static final class Ref implements Check {
        private Check check;

        @Override
        public boolean accepts(JsonNode node) {
            return check.accepts(node);
        }
    }

    private record Type(String[] types) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            for (String type : types) {
                if (Json.isOfType(node, type)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Const(JsonNode value) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return Json.same(node, value);
        }
    }

    private record Enum(JsonNode values) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            for (JsonNode allowed : values) {
                if (Json.same(node, allowed)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** minLength / maxLength, in code points as JSON Schema counts. */
    private record Length(long min, long max) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isTextual()) {
                return true;
            }
            String text = node.textValue();
            long length = text.codePointCount(0, text.length());
            return length >= min && length <= max;
        }
    }

    private record Matches(RegularExpression pattern) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return !node.isTextual() || pattern.matches(node.textValue());
        }
    }

    /** A bound on numbers: the comparison of the value with the limit must lie in [low, high]. */
    private record Bound(JsonNode limit, int low, int high) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isNumber()) {
                return true;
            }
            int comparison = Json.compare(node, limit);
            return comparison >= low && comparison <= high;
        }
    }

    private record Properties(Map<String, Check> checks) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isObject()) {
                return true;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Check check = checks.get(field.getKey());
                if (check != null && !check.accepts(field.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Additional(Set<String> known, Check check) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isObject()) {
                return true;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!known.contains(field.getKey()) && !check.accepts(field.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Required(List<String> names) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isObject()) {
                return true;
            }
            for (String name : names) {
                if (!node.has(name)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record DependentRequired(Map<String, List<String>> dependencies) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isObject()) {
                return true;
            }
            for (Map.Entry<String, List<String>> entry : dependencies.entrySet()) {
                if (node.has(entry.getKey()) && !new Required(entry.getValue()).accepts(node)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Sizes of arrays (minItems, maxItems) or objects (minProperties, maxProperties). */
    private record Size(boolean objects, long min, long max) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            return !(objects ? node.isObject() : node.isArray()) || node.size() >= min && node.size() <= max;
        }
    }

    private record Items(Check check) implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isArray()) {
                return true;
            }
            for (JsonNode item : node) {
                if (!check.accepts(item)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Unique() implements Check {
        @Override
        public boolean accepts(JsonNode node) {
            if (!node.isArray()) {
                return true;
            }
            for (int i = 0; i < node.size(); i++) {
                for (int j = i + 1; j < node.size(); j++) {
                    if (Json.same(node.get(i), node.get(j))) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private static void requireArray(String keyword, JsonNode value) throws Unsupported {
        if (!value.isArray()) {
            throw new Unsupported(keyword + " must be an array");
        }
    }

    private static long count(String keyword, JsonNode value) throws Unsupported {
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new Unsupported(keyword + " must be a non-negative integer");
        }
        return value.longValue();
    }

    private static JsonNode number(String keyword, JsonNode value) throws Unsupported {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw new Unsupported(keyword + " must be a finite number");
        }
        return value;
    }


    /** JSON Schema's view of values: numbers equal by value (1 == 1.0), integers by value too. */
    private static final class Json {
        private Json() {
        }

        static boolean isOfType(JsonNode node, String type) {
            return switch (type) {
                case "string" -> node.isTextual();
                case "number" -> node.isNumber();
                case "integer" -> node.isIntegralNumber()
                        || (node.isNumber() && Double.isFinite(node.doubleValue()) && node.canConvertToExactIntegral());
                case "boolean" -> node.isBoolean();
                case "object" -> node.isObject();
                case "array" -> node.isArray();
                case "null" -> node.isNull();
                default -> false;
            };
        }

        /** Integers up to 2^53 are exact as doubles too. */
        private static final double EXACT = 9007199254740992.0;

        /**
         * Numbers compared by value, as JSON Schema says. Exactly, without BigDecimal in the
         * usual cases (whose class initialisation a call would pay): two integers as longs,
         * doubles (and integers a double holds exactly) as doubles, the order of two doubles
         * being that of their decimal values; anything else (a huge integer against a
         * fraction) as BigDecimal.
         */
        static int compare(JsonNode a, JsonNode b) {
            boolean aLong = a.isInt() || a.isLong() || a.isShort();
            boolean bLong = b.isInt() || b.isLong() || b.isShort();
            if (aLong && bLong) {
                return Long.compare(a.longValue(), b.longValue());
            }
            if (exactAsDouble(a) && exactAsDouble(b)) {
                double x = a.doubleValue();
                double y = b.doubleValue();
                return x < y ? -1 : x > y ? 1 : 0; // not Double.compare: -0.0 == 0.0 here
            }
            if (!Double.isFinite(a.doubleValue()) && (a.isDouble() || a.isFloat())) {
                return a.doubleValue() > 0 ? 1 : -1;
            }
            if (!Double.isFinite(b.doubleValue()) && (b.isDouble() || b.isFloat())) {
                return b.doubleValue() > 0 ? -1 : 1;
            }
            return a.decimalValue().compareTo(b.decimalValue());
        }

        private static boolean exactAsDouble(JsonNode number) {
            if (number.isDouble() || number.isFloat()) {
                return true;
            }
            if (number.isInt() || number.isShort() || number.isLong()) {
                return Math.abs((double) number.longValue()) <= EXACT;
            }
            return false;
        }

        static boolean same(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return compare(a, b) == 0;
            }
            if (a.isArray() && b.isArray()) {
                if (a.size() != b.size()) {
                    return false;
                }
                for (int i = 0; i < a.size(); i++) {
                    if (!same(a.get(i), b.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            if (a.isObject() && b.isObject()) {
                if (a.size() != b.size()) {
                    return false;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode other = b.get(field.getKey());
                    if (other == null || !same(field.getValue(), other)) {
                        return false;
                    }
                }
                return true;
            }
            return a.equals(b);
        }
    }
}
