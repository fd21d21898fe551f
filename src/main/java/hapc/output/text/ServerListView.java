package hapc.output.text;

import java.io.PrintStream;
import java.util.Map;

/** list-servers: one row per server; with --details, its state, weight and load. */
final class ServerListView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("backend", "details");
        var servers = answer.objects("servers");
        if (servers.isEmpty()) {
            return;
        }
        if (!servers.get(0).containsKey("admin_state")) {
            Table table = new Table("SERVER");
            servers.forEach(server -> table.row(server.get("name")));
            table.print(out);
            return;
        }
        Table table = new Table("SERVER", "ADMIN", "OPERATIONAL", "STATUS", "WEIGHT", "SESSIONS", "QUEUED", "ADDRESS",
                "CHECK");
        for (Map<String, Object> server : servers) {
            table.row(server.get("name"), adminState(server), server.get("operational_state"), server.get("status"),
                    server.get("weight"), server.get("sessions"), server.get("queued"),
                    Values.address(server.get("address"), server.get("port")), server.get("check_status"));
        }
        table.print(out);
    }

    /**
     * "maint (config)": the admin state, with where it comes from when that is not a plain
     * runtime command, because "disabled in the config" and "tracks another server" are
     * exactly what an operator needs to know before trying to enable it.
     */
    static String adminState(Map<String, Object> server) {
        Object state = server.get("admin_state");
        Object source = server.get("admin_state_source");
        if (state == null) {
            return null;
        }
        return source == null || source.equals("none") || source.equals("forced") ? state.toString()
                : state + " (" + source + ")";
    }
}
