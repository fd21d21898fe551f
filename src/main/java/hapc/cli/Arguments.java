package hapc.cli;

import hapc.request.Field;
import java.util.Map;

/**
 * What the command line said, before it is combined with a JSON request and validated.
 *
 * @param actionName the action word, or null when none was given
 * @param values     request fields given as options, already typed
 * @param jsonIn     the --json-in argument (a path or "-"), or null
 * @param text       the answer is wanted as text (--text or -o text) rather than JSON
 */
public record Arguments(
        String actionName,
        Map<Field, Object> values,
        String jsonIn,
        boolean text,
        boolean help,
        boolean version) {
}
