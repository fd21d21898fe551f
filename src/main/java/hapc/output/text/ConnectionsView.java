package hapc.output.text;

import java.io.PrintStream;
import java.util.Map;

/**
 * list-connections: the server's sessions and queue per worker, and the total. Old workers
 * (alive after a reload) are where surprises hide, so each gets its own row.
 */
final class ConnectionsView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("backend", "server");
        var targets = TargetsTable.several(answer);
        if (targets.isEmpty()) {
            workers(answer, out);
            return;
        }
        Table table = new Table("BACKEND", "SERVER", "SESSIONS", "QUEUED");
        for (Map<String, Object> target : targets) {
            table.row(target.get("backend"), target.get("server"), target.get("sessions"), target.get("queued"));
        }
        table.row("", "total", answer.take("sessions"), answer.take("queued"));
        table.print(out);
    }

    /** The per-worker table with a total row; shared with check-safe-to-remove. */
    static void workers(TextDocument answer, PrintStream out) {
        var workers = answer.objects("workers");
        Object sessions = answer.take("sessions");
        Object queued = answer.take("queued");
        Table table = new Table("WORKER", "ROLE", "SESSIONS", "QUEUED");
        for (Map<String, Object> worker : workers) {
            table.row(worker.get("pid"), worker.get("role"), worker.get("sessions"), worker.get("queued"));
        }
        if (sessions != null || queued != null) {
            table.row("", "total", sessions, queued);
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
    }
}
