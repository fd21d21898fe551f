package hapc.action;

import hapc.output.Outcome;
import hapc.request.Request;
import java.util.List;
import java.util.Map;

/**
 * The 1.0 top-level fields of one target ({@code backend}, {@code server}, {@code before},
 * {@code after}, {@code diff}, and each action's own), copied from its {@code targets[]} entry.
 * Present exactly when the request names one backend and one server
 * ({@link Request#namesOneTarget()}, contract 1.2), whatever was found: an answer's shape never
 * depends on how many backends hold a server today.
 */
final class OneTargetFields {
    private OneTargetFields() {
    }

    /** Whether this answer carries them: the request names one target and its entry is there. */
    static boolean apply(Request request, List<Map<String, Object>> entries) {
        // One backend and one name resolve to at most one server; the size check only keeps a
        // failure before resolution (no entry) from inventing fields.
        return request.namesOneTarget() && entries.size() == 1;
    }

    /** Copies the fields (those the entry has) to the top level when {@link #apply} says so. */
    static void copy(Request request, Outcome outcome, List<Map<String, Object>> entries, List<String> fields) {
        if (!apply(request, entries)) {
            return;
        }
        Map<String, Object> only = entries.get(0);
        for (String field : fields) {
            if (only.containsKey(field)) {
                outcome.put(field, only.get(field));
            }
        }
    }
}
