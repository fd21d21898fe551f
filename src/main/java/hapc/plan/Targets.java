package hapc.plan;

import hapc.action.Context;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.request.Request;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The (backend, server) pairs a request names, resolved against the running HAProxy before
 * anything is sent: with -b, those servers of that backend; without, every backend that has a
 * server of exactly that name. One unknown name and the whole call stops (exit 2), so a list
 * with a typo changes nothing; the answer then lists what was found and what was not.
 *
 * @param list     the targets as read, grouped by backend in HAProxy's order
 * @param snapshot every server of the backends concerned, as read at the same moment
 */
public record Targets(List<Inspection> list, ServerSnapshot snapshot) {

    /**
     * @param describe each found target as the action's {@code targets[]} entry: what a not-found
     *                 answer lists (nothing was done to them)
     * @throws HapcException kind not_found when a name (or the backend) is missing, its answer
     *                       carrying {@code targets} (the servers that were found, untouched) and
     *                       {@code not_found} (each name missing, with the backend when one was given)
     */
    public static Targets resolve(Context context, Function<Inspection, Map<String, Object>> describe) {
        Request request = context.request();
        LiveServers live = context.live();
        List<String> names = request.servers();
        ServerSnapshot snapshot;
        try {
            snapshot = request.backend() != null ? live.read(List.of(request.backend()))
                    : live.locate(Set.copyOf(names));
        } catch (HapcException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) {
                throw e;
            }
            // no such backend: not one of the names is found
            throw new HapcException(e.kind(), e.getMessage(), e, notFoundAnswer(request, List.of(), names));
        }
        List<Inspection> found = new ArrayList<>();
        Set<String> foundNames = new LinkedHashSet<>();
        for (String backend : snapshot.backendNames()) {
            for (String name : names) {
                snapshot.find(backend, name).ifPresent(target -> {
                    found.add(target);
                    foundNames.add(name);
                });
            }
        }
        List<String> missing = names.stream().filter(name -> !foundNames.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new HapcException(ErrorKind.NOT_FOUND, notFound(request.backend(), missing) + (names.size() > 1
                    ? "; nothing was changed (every server named must exist)" : ""), null,
                    notFoundAnswer(request, found.stream().map(describe).toList(), missing));
        }
        return new Targets(List.copyOf(found), snapshot);
    }

    /** A not-found answer's fields: the targets that were found (untouched) and the names that were not. */
    private static Map<String, Object> notFoundAnswer(Request request, List<Map<String, Object>> found,
            List<String> missing) {
        List<Map<String, Object>> absent = new ArrayList<>();
        for (String name : missing) {
            Map<String, Object> one = new LinkedHashMap<>();
            if (request.backend() != null) {
                one.put("backend", request.backend());
            }
            one.put("server", name);
            absent.add(one);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("targets", found);
        answer.put("not_found", absent);
        return answer;
    }

    private static String notFound(String backend, List<String> missing) {
        String quoted = String.join(", ", missing.stream().map(name -> "'" + name + "'").toList());
        String servers = missing.size() == 1 ? "no server " + quoted : "no servers " + quoted;
        return backend != null ? servers + " in backend '" + backend + "' of the running HAProxy"
                : servers + " in any backend of the running HAProxy";
    }

    /** The backends that hold a target, in HAProxy's order. */
    public Set<String> backends() {
        Set<String> backends = new LinkedHashSet<>();
        list.forEach(target -> backends.add(target.server().backend()));
        return backends;
    }

    /** The names of the target servers. */
    public Set<String> serverNames() {
        Set<String> names = new LinkedHashSet<>();
        list.forEach(target -> names.add(target.server().name()));
        return names;
    }

    public boolean single() {
        return list.size() == 1;
    }
}
