package hapc.output.text;

import hapc.wait.Ramp;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * enable-server, drain-server, stop-server, set-weight: the server before and after, side by
 * side, with the rows that changed marked; then what the wait saw, when it waited, and how far a
 * ramp went.
 */
final class ServerChangeView implements TextView {
    /** The rows worth a person's attention, as JSON field and label; name and backend are in the message. */
    private static final List<String[]> ROWS = List.of(
            new String[] {"admin_state", "admin state"},
            new String[] {"operational_state", "operational"},
            new String[] {"status", "status"},
            new String[] {"weight", "weight"},
            new String[] {"initial_weight", "configured weight"},
            new String[] {"effective_weight", "effective weight"},
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
                boolean weights = !Objects.equals(weight(target.get("before")), weight(target.get("after")));
                table.row(target.get("backend"), target.get("server"), admin(target.get("before"), weights),
                        admin(target.get("after"), weights), Values.show(target.get("changed")),
                        Boolean.TRUE.equals(target.get("failed")) ? target.get("error") : "");
            }
            table.print(out);
            out.println();
        }
        if (answer.has("sessions_killed") && !answer.has("escalated")) {
            out.println("Sessions killed: " + Values.show(answer.take("sessions_killed")));
        }
        boolean waited = answer.flag("waited");
        if (waited && answer.has("sessions_left")) {
            out.println("Waited " + Values.show(answer.take("waited_seconds")) + " s; left: "
                    + Values.show(answer.take("sessions_left")) + " sessions, "
                    + Values.show(answer.take("queued_left")) + " queued.");
        }
        if (answer.has("escalated")) {
            answer.skip("sessions_killed");
            out.println("Escalated to stop: " + Values.show(answer.take("escalated")) + "; sessions killed: "
                    + Values.show(answer.take("sessions_killed_count")));
        }
        List<Map<String, Object>> health = answer.objects("health");
        if (!health.isEmpty()) {
            out.println("Waited " + Values.show(answer.take("waited_seconds")) + " s for the servers to be up.");
            Table table = new Table("BACKEND", "SERVER", "UP", "STATUS", "CHECK", "UP AFTER (S)");
            for (Map<String, Object> server : health) {
                table.row(server.get("backend"), server.get("server"), Values.show(server.get("up")),
                        server.get("status"), Boolean.TRUE.equals(server.get("checked"))
                                ? Values.show(server.get("check_status")) : "no check",
                        Values.show(server.get("up_after_seconds")));
            }
            table.print(out);
        }
        if (answer.take("ramp") instanceof Map<?, ?> ramp) {
            out.println("Ramp over " + Values.show(ramp.get("seconds")) + " s, a step every "
                    + Values.show(ramp.get("interval_seconds")) + " s: " + Values.show(ramp.get("steps_done"))
                    + " of " + ((List<?>) ramp.get("steps")).size() + " steps done"
                    + (Boolean.TRUE.equals(ramp.get("completed")) ? "." : " (not completed)."));
            if (ramp.get("targets") instanceof List<?> climbers && !climbers.isEmpty()) {
                Table table = new Table("BACKEND", "SERVER", "FROM", "TO", "WEIGHT NOW");
                for (Object climber : climbers) {
                    Map<?, ?> c = (Map<?, ?>) climber;
                    table.row(c.get("backend"), c.get("server"), Values.show(c.get("from_weight")),
                            Values.show(c.get("to_weight")), Values.show(c.get("weight")));
                }
                table.print(out);
            }
        }
    }

    /** The admin state, with the weight when the weights differ (set-weight, ramps). */
    @SuppressWarnings("unchecked")
    private static Object admin(Object server, boolean withWeight) {
        if (!(server instanceof Map<?, ?> map)) {
            return null;
        }
        Object state = ServerListView.adminState((Map<String, Object>) map);
        return withWeight ? state + ", weight " + Values.show(map.get("weight")) : state;
    }

    private static Object weight(Object server) {
        return server instanceof Map<?, ?> map ? map.get("weight") : null;
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
