package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hapc.HapcException;
import hapc.testing.HapcRun;
import hapc.testing.RequestInvariants;
import hapc.testing.Split;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated JSON requests thrown at the JSON-in path: objects with any mix of known and
 * unknown fields, values of every JSON type, then damaged (cut, a key repeated, garbage added,
 * wrapped in an array) or not; and arbitrary text. The invariant: a valid request whose names
 * and paths are clean, or exit 2 with one JSON answer, never an exception escaping. Valid
 * requests are not executed.
 */
class JsonRequestPropertyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int DOCUMENTS = 1500;
    private static final int TEXTS = 500;
    private static final Split FROM_DOCUMENTS = new Split("JsonRequestPropertyTest documents");
    private static final Split FROM_TEXT = new Split("JsonRequestPropertyTest text");

    /**
     * The split the generators give. Documents: half come from {@link #realistic()}, of which
     * 6/7 are left whole, 2/3 have only fields the action accepts with the right types, and both
     * names are good 0.9 x 0.9 of the time: about 0.5 x 6/7 x 2/3 x 0.81 = 23 %, less a few whose
     * extra fields clash, plus the rare random object that happens to be valid (runs: 22-25 %).
     * At most the realistic half. Bounds 10-50 % are more than 10 standard deviations (about
     * 1.1 % at 1,500 tries) from what runs give. Text: its alphabet has no 'c', 'i' or 'o', so
     * no action name (and no "action" key) can be written: every one is refused.
     */
    @AfterContainer
    static void theSplitIsTheGeneratorsOwn() {
        FROM_DOCUMENTS.assertValidShareBetween(DOCUMENTS, 0.10, 0.50);
        FROM_TEXT.assertValidShareBetween(TEXTS, 0.0, 0.0);
    }

    @Property(tries = DOCUMENTS)
    void aGeneratedDocumentIsAValidRequestOrExit2(@ForAll("documents") String document) {
        check(document, FROM_DOCUMENTS);
    }

    @Property(tries = TEXTS)
    void arbitraryTextIsAValidRequestOrExit2(@ForAll("jsonish") String text) {
        check(text, FROM_TEXT);
    }

    private static void check(String document, Split split) {
        Request request;
        try {
            request = new JsonRequestReader().read(document.getBytes(StandardCharsets.UTF_8), null, Map.of());
        } catch (HapcException refused) {
            assertEquals(2, refused.kind().exitStatus(), refused.kind() + ": " + refused.getMessage());
            split.refused();
            RequestInvariants.assertRefusedAnswer(HapcRun.runWithInput(document, "--json-in", "-"));
            return;
        }
        split.valid();
        RequestInvariants.assertSane(request);
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<JsonNode> action = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.of(Action.values()).map(a -> (JsonNode) NODES.textNode(a.cliName()))),
                Tuple.of(1, Arbitraries.of(NODES.textNode("drain"), NODES.numberNode(1), NODES.nullNode(),
                        NODES.textNode(""), NODES.booleanNode(true))));
        List<String> names = new ArrayList<>();
        for (Field field : Field.values()) {
            names.add(field.jsonName());
        }
        names.addAll(List.of("force", "Backend", "backend ", "", "action"));
        Arbitrary<Map<String, JsonNode>> fields = Arbitraries.maps(Arbitraries.of(names), value()).ofMaxSize(5);
        Arbitrary<ObjectNode> object = Combinators.combine(action, fields, Arbitraries.of(true, true, true, false))
                .as((a, f, withAction) -> {
                    ObjectNode node = NODES.objectNode();
                    if (withAction) {
                        node.set("action", a);
                    }
                    f.forEach(node::set);
                    return node;
                });
        object = Arbitraries.oneOf(object, realistic());
        Arbitrary<Integer> damage = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 5)));
        return Combinators.combine(object, damage, Arbitraries.integers().between(0, 1000))
                .as(JsonRequestPropertyTest::damaged);
    }

    /**
     * Built like a real request: an action, its required fields with mostly good names, and a
     * few fields the action accepts with values of mostly the right type.
     */
    private static Arbitrary<ObjectNode> realistic() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.of("web", "web-1", "s1", "api.v2:8080", "be_1")),
                Tuple.of(1, Arbitraries.of("", "a;b", "a b", "a/b", "a\nb", "é")));
        return Combinators.combine(Arbitraries.of(Action.values()), name.list().ofSize(2),
                Arbitraries.of(Field.values()).set().ofMaxSize(3), value(), Arbitraries.of(true, true, false))
                .as((action, names, extras, odd, rightTypes) -> {
                    ObjectNode node = NODES.objectNode().put("action", action.cliName());
                    int n = 0;
                    for (Field field : action.requiredFields()) {
                        node.put(field.jsonName(), names.get(n++ % 2));
                    }
                    for (Field field : extras) {
                        if (!action.accepts(field) && rightTypes) {
                            continue;
                        }
                        node.set(field.jsonName(), !rightTypes ? odd : switch (field.type()) {
                            case FLAG -> NODES.booleanNode(true);
                            case SECONDS -> NODES.numberNode(1.5);
                            case NAME -> NODES.textNode(names.get(n++ % 2));
                            default -> NODES.textNode("/tmp/hapc-property-" + field.jsonName());
                        });
                    }
                    return node;
                });
    }

    /** A value of any JSON type; strings drawn from good and hostile names, paths and numbers. */
    private static Arbitrary<JsonNode> value() {
        Arbitrary<JsonNode> text = Arbitraries.of("web", "web-1", "s1", "a.b:c_d", "", "a;b", "a b", "x\ny", "wéb",
                "web\0", "/tmp/x.sock", "ipv4@127.0.0.1:1", "10", "true").map(NODES::textNode);
        Arbitrary<JsonNode> number = Arbitraries.of(0.0, 0.5, 1.0, 60.0, -1.0, 604800.0, 604801.0, 1e300, -0.0)
                .map(d -> (JsonNode) NODES.numberNode(d));
        Arbitrary<JsonNode> integer = Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i));
        Arbitrary<JsonNode> bool = Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b));
        Arbitrary<JsonNode> other = Arbitraries.of(NODES.nullNode(), NODES.arrayNode(),
                NODES.arrayNode().add("/etc/haproxy/haproxy.cfg"), NODES.arrayNode().add(1),
                NODES.objectNode().put("a", 1));
        return Arbitraries.frequencyOf(Tuple.of(6, text), Tuple.of(3, number), Tuple.of(1, integer),
                Tuple.of(4, bool), Tuple.of(1, other));
    }

    /** 0 leaves it whole; otherwise cut it, repeat a key, add garbage, wrap it, or double it. */
    private static String damaged(ObjectNode object, int damage, int position) {
        String text;
        try {
            text = MAPPER.writeValueAsString(object);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return switch (damage) {
            case 0 -> text;
            case 1 -> text.substring(0, position % text.length());
            case 2 -> text.length() > 2 ? "{\"action\":\"stop-server\"," + text.substring(1) : text;
            case 3 -> text + " " + "}]x".charAt(position % 3);
            case 4 -> "[" + text + "]";
            default -> text + text;
        };
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,\\ -.0123456789tfnrueaslbkvw\u0000\n\u00e9")
                .ofMaxLength(60);
    }
}
