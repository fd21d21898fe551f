package hapc.output.text;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An answer being rendered as text. A view takes the fields it shows; whatever no view took is
 * shown at the end by the generic rendering, so a field added to an answer later is never
 * hidden from the person reading the text, even before someone writes a view for it.
 */
final class TextDocument {
    private final Map<String, ?> fields;
    private final Set<String> taken = new HashSet<>();

    TextDocument(Map<String, ?> fields) {
        this.fields = fields;
    }

    boolean has(String name) {
        return fields.get(name) != null;
    }

    /** The field's value (null when absent), now counted as shown. */
    Object take(String name) {
        taken.add(name);
        return fields.get(name);
    }

    boolean flag(String name) {
        return Boolean.TRUE.equals(take(name));
    }

    List<Map<String, Object>> objects(String name) {
        return Values.objects(take(name));
    }

    /** Marks fields as shown without reading them (they are implied by what was shown). */
    void skip(String... names) {
        taken.addAll(List.of(names));
    }

    /** The fields no view took, in answer order. */
    Map<String, ?> rest() {
        Map<String, Object> rest = new java.util.LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!taken.contains(name) && value != null) {
                rest.put(name, value);
            }
        });
        return rest;
    }
}
