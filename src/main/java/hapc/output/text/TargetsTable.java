package hapc.output.text;

import java.util.List;
import java.util.Map;

/**
 * The {@code targets} of an answer. When the answer has the top-level fields of one target (the
 * request named one backend and one server), they already show it, so the list is only marked
 * as shown; otherwise the views print one row per target, however many were found.
 */
final class TargetsTable {
    private TargetsTable() {
    }

    /** The targets to print as rows, else an empty list (and the field is marked as shown). */
    static List<Map<String, Object>> several(TextDocument answer) {
        List<Map<String, Object>> targets = answer.objects("targets");
        return answer.has("backend") && answer.has("server") ? List.of() : targets;
    }
}
