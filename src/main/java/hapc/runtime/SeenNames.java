package hapc.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * Names and addresses read from HAProxy, each kept as one instance: 100,000 rows name 10,000
 * backends, 10 server names and one address over and over, across many answers, and the rows
 * live as long as the call.
 */
final class SeenNames {
    private final Map<String, String> seen = new HashMap<>();

    String once(String value) {
        String kept = seen.putIfAbsent(value, value);
        return kept == null ? value : kept;
    }
}
