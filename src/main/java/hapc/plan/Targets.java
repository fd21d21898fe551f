package hapc.plan;

import hapc.action.Context;

import hapc.HapcException;
import hapc.request.Request;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The (backend, server) pairs a request names, resolved against the running HAProxy before
 * anything is sent: with -b, those servers of that backend; without, every backend that has a
 * server of exactly that name. One unknown name and the whole call stops (exit 2), so a list
 * with a typo changes nothing.
 *
 * @param list     the targets as read, grouped by backend in HAProxy's order
 * @param snapshot every server of the backends concerned, as read at the same moment
 */
public record Targets(List<Inspection> list, ServerSnapshot snapshot) {

    public static Targets resolve(Context context) {
        Request request = context.request();
        LiveServers live = context.live();
        List<String> names = request.servers();
        ServerSnapshot snapshot = request.backend() != null ? live.read(List.of(request.backend()))
                : live.locate(Set.copyOf(names));
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
            throw HapcException.notFound(notFound(request.backend(), missing) + (names.size() > 1
                    ? "; nothing was changed (every server named must exist)" : ""));
        }
        return new Targets(List.copyOf(found), snapshot);
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
