package hapc.output.text;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * enable-server, drain-server, stop-server: the server before and after, side by side, with
 * the rows that changed marked; then what the drain wait saw, when it waited.
 */
final class ServerChangeView implements TextView {
    /** The rows worth a person's attention, as JSON field and label; name and backend are in the message. */
    private static final List<String[]> ROWS = List.of(
            new String[] {"admin_state", "admin state"},
            new String[] {"operational_state", "operational"},
            new String[] {"status", "status"},
            new String[] {"weight", "weight"},
            new String[] {"sessions", "sessions"},
            new String[] {"queued", "queued"},
            new String[] {"address", "address"},
            new String[] {"check_status", "check"});

    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("backend", "server", "diff");
        @SuppressWarnings("unchecked")
        Map<String, Object> before = (Map<String, Object>) answer.take("before");
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) answer.take("after");
        if (before != null && after != null) {
            Table table = new Table("", "BEFORE", "AFTER", "CHANGED");
            for (String[] row : ROWS) {
                Object was = value(before, row[0]);
                Object now = value(after, row[0]);
                table.row(row[1], was, now, Objects.equals(was, now) ? "" : "*");
            }
            table.print(out);
            out.println();
        }
        List<Map<String, Object>> targets = TargetsTable.several(answer);
        if (!targets.isEmpty()) {
            Table table = new Table("BACKEND", "SERVER", "BEFORE", "AFTER", "CHANGED", "FAILED");
            for (Map<String, Object> target : targets) {
                table.row(target.get("backend"), target.get("server"), admin(target.get("before")),
                        admin(target.get("after")), Values.show(target.get("changed")),
                        Boolean.TRUE.equals(target.get("failed")) ? target.get("error") : "");
            }
            table.print(out);
            out.println();
        }
        if (answer.has("sessions_killed")) {
            out.println("Sessions killed: " + Values.show(answer.take("sessions_killed")));
        }
        boolean waited = answer.flag("waited");
        if (waited) {
            out.println("Waited " + Values.show(answer.take("waited_seconds")) + " s; left: "
                    + Values.show(answer.take("sessions_left")) + " sessions, "
                    + Values.show(answer.take("queued_left")) + " queued.");
        }
    }

    @SuppressWarnings("unchecked")
    private static Object admin(Object server) {
        return server instanceof Map<?, ?> map ? ServerListView.adminState((Map<String, Object>) map) : null;
    }

    private static Object value(Map<String, Object> server, String field) {
        if (field.equals("admin_state")) {
            return ServerListView.adminState(server);
        }
        if (field.equals("address")) {
            return Values.address(server.get("address"), server.get("port"));
        }
        Object value = server.get(field);
        return value == null ? null : Values.show(value);
    }
}
