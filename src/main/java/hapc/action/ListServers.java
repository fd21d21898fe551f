package hapc.action;

import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** list-servers: the servers of one backend; with --details, the state of each. */
public final class ListServers implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        Request request = context.request();
        List<Server> servers = context.live().list(request.backend());
        List<Map<String, Object>> listed = servers.stream()
                .map(server -> request.details() ? server.toJson() : brief(server))
                .toList();
        return new Outcome(Action.LIST_SERVERS)
                .msg(servers.size() + " server" + (servers.size() == 1 ? "" : "s") + " in backend " + request.backend()
                        + ".")
                .put("backend", request.backend())
                .put("details", request.details())
                .put("servers", listed);
    }

    private static Map<String, Object> brief(Server server) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", server.name());
        json.put("backend", server.backend());
        return json;
    }
}
