package hapc.output.text;

import java.util.List;
import java.util.Map;

/**
 * The {@code targets} of an answer. With one target the answer's top-level fields already show
 * it, so the list is only marked as shown; with several, the views print one row per target.
 */
final class TargetsTable {
    private TargetsTable() {
    }

    /** The targets when there are several, else an empty list (and the field is marked as shown). */
    static List<Map<String, Object>> several(TextDocument answer) {
        List<Map<String, Object>> targets = answer.objects("targets");
        return targets.size() > 1 ? targets : List.of();
    }
}
