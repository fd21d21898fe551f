package hapc.output.text;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** reload-haproxy: the validation, how it reloads, the workers before and after, the server states kept. */
final class ReloadView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        @SuppressWarnings("unchecked")
        Map<String, Object> validated = (Map<String, Object>) answer.take("validated");
        if (validated != null) {
            out.println("Config valid: " + Values.show(validated.get("valid")) + "   command: "
                    + command(validated.get("command"))
                    + (validated.get("exit_status") == null ? "" : "   exit status: " + validated.get("exit_status")));
            lines(validated.get("output"), out);
        }
        if (answer.has("method")) {
            // Neutral words: in check mode nothing was reloaded, but the method is still the answer.
            out.println("Reload method: " + answer.take("method")
                    + (answer.has("duration_seconds") ? "   took " + Values.show(answer.take("duration_seconds")) + " s" : ""));
        }
        workers("Workers before:", answer.objects("workers_before"), out);
        workers("Workers after:", answer.objects("workers_after"), out);
        List<Map<String, Object>> restored = answer.objects("states_restored");
        if (!restored.isEmpty()) {
            out.println();
            out.println("Server states kept across the reload:");
            Table table = new Table("BACKEND", "SERVER", "ADMIN", "HOW");
            restored.forEach(s -> table.row(s.get("backend"), s.get("server"), s.get("admin_state"), s.get("how")));
            table.print(out);
        }
        Object startup = answer.take("startup_output");
        if (startup instanceof Collection<?> list && !list.isEmpty()) {
            out.println();
            out.println("HAProxy said at start-up:");
            lines(startup, out);
        }
    }

    private static void workers(String title, List<Map<String, Object>> workers, PrintStream out) {
        if (workers.isEmpty()) {
            return;
        }
        out.println();
        out.println(title);
        Table table = new Table("PID", "ROLE", "RELOADS", "UPTIME", "VERSION");
        workers.forEach(w -> table.row(w.get("pid"), w.get("role"), w.get("reloads"), w.get("uptime"), w.get("version")));
        table.print(out);
    }

    private static String command(Object command) {
        return command instanceof Collection<?> words ? String.join(" ", words.stream().map(String::valueOf).toList())
                : Values.show(command);
    }

    private static void lines(Object lines, PrintStream out) {
        if (lines instanceof Collection<?> list) {
            list.forEach(line -> out.println("  | " + line));
        }
    }
}
