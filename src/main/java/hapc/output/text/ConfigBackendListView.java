package hapc.output.text;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * list-config-backends: one row per server, the backend named on its first row only, so the
 * servers of a backend read as a block.
 */
final class ConfigBackendListView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("frontend");
        Table table = new Table("BACKEND", "TYPE", "MODE", "SERVER", "ADDRESS", "FLAGS", "DEFINED AT");
        for (Map<String, Object> backend : answer.objects("backends")) {
            List<Map<String, Object>> servers = Values.objects(backend.get("servers"));
            String where = Values.origin(backend.get("file"), backend.get("line"));
            if (servers.isEmpty()) {
                table.row(backend.get("name"), backend.get("type"), backend.get("mode"), null, null, null, where);
            }
            boolean first = true;
            for (Map<String, Object> server : servers) {
                table.row(first ? backend.get("name") : "", first ? backend.get("type") : "",
                        first ? backend.get("mode") : "", server.get("name"),
                        Values.address(server.get("address"), server.get("port")), flags(server),
                        Values.origin(server.get("file"), server.get("line")));
                first = false;
            }
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
    }

    private static String flags(Map<String, Object> server) {
        List<String> flags = new ArrayList<>();
        if (Boolean.TRUE.equals(server.get("disabled"))) {
            flags.add("disabled");
        }
        if (Boolean.TRUE.equals(server.get("backup"))) {
            flags.add("backup");
        }
        if (Boolean.TRUE.equals(server.get("from_template"))) {
            flags.add("template");
        }
        return String.join(",", flags);
    }
}
