package hapc.output.text;

import java.io.PrintStream;
import java.util.Collection;

/** check-safe-to-remove: the verdict, what blocks it, and the load of every worker. */
final class SafeToRemoveView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("backend", "server");
        if (answer.has("safe")) {
            out.println("Safe to remove: " + Values.show(answer.take("safe")) + (answer.has("admin_state")
                    ? "   admin state: " + Values.show(answer.take("admin_state")) : ""));
        }
        Object reasons = answer.take("reasons");
        if (reasons instanceof Collection<?> list && !list.isEmpty()) {
            out.println("Because:");
            list.forEach(reason -> out.println("  - " + reason));
        }
        out.println();
        var targets = TargetsTable.several(answer);
        if (targets.isEmpty()) {
            ConnectionsView.workers(answer, out);
            return;
        }
        Table table = new Table("BACKEND", "SERVER", "SAFE", "ADMIN", "SESSIONS", "QUEUED");
        for (var target : targets) {
            table.row(target.get("backend"), target.get("server"), Values.show(target.get("safe")),
                    target.get("admin_state"), target.get("sessions"), target.get("queued"));
        }
        table.row("", "total", "", "", answer.take("sessions"), answer.take("queued"));
        table.print(out);
    }
}
