package hapc.action;

import hapc.host.Hold;
import hapc.host.HoldStore;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * list-servers: the servers of one backend; with --details, the state of each (sessions
 * counted in every live worker). Names alone need no session count, so no master CLI either.
 */
public final class ListServers implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        String backend = request.backend();
        List<Map<String, Object>> listed;
        if (request.details()) {
            // read without the lock: the store is replaced atomically, so this is the old or the new one
            Map<String, List<Hold>> holds = new HoldStore(context.stateDir(), context.haproxyKey()).read();
            listed = context.live().list(backend).stream().map(server -> {
                Map<String, Object> json = server.toJson();
                json.put("holds", holds.getOrDefault(server.backend() + "/" + server.name(), List.of()).stream()
                        .map(Hold::toJson).toList());
                return json;
            }).toList();
        } else {
            listed = context.live().names(backend).stream().map(name -> brief(backend, name)).toList();
        }
        return new Outcome(Action.LIST_SERVERS)
                .msg(listed.size() + " server" + (listed.size() == 1 ? "" : "s") + " in backend " + backend + ".")
                .put("backend", backend)
                .put("details", request.details())
                .put("servers", listed);
    }

    private static Map<String, Object> brief(String backend, String name) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("backend", backend);
        return json;
    }
}
