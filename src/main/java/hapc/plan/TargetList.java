package hapc.plan;

import hapc.model.Server;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Targets named in a message the way an operator thinks of them: by server, then the backends
 * it is in ("web1 in http, https; web2 in api"), cut short when a call touches thousands.
 */
public final class TargetList {
    private static final int SHOWN = 10;

    private TargetList() {
    }

    public static String describe(List<Server> servers) {
        Map<String, List<String>> backendsByServer = new LinkedHashMap<>();
        servers.forEach(s -> backendsByServer.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s.backend()));
        List<String> parts = new ArrayList<>();
        backendsByServer.forEach((server, backends) -> parts.add(server + " in " + shortened(backends, ", ")));
        return shortened(parts, "; ");
    }

    /** "a, b, c" or "a, b, ... j, and 990 more". */
    public static String shortened(List<String> items, String separator) {
        if (items.size() <= SHOWN) {
            return String.join(separator, items);
        }
        return String.join(separator, items.subList(0, SHOWN)) + separator + "and " + (items.size() - SHOWN) + " more";
    }
}
