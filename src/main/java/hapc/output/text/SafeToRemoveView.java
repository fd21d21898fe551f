package hapc.output.text;

import java.io.PrintStream;
import java.util.Collection;

/** check-safe-to-remove: the verdict, what blocks it, and the load of every worker. */
final class SafeToRemoveView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        answer.skip("backend", "server");
        if (answer.has("safe")) {
            out.println("Safe to remove: " + Values.show(answer.take("safe")) + "   admin state: "
                    + Values.show(answer.take("admin_state")));
        }
        Object reasons = answer.take("reasons");
        if (reasons instanceof Collection<?> list && !list.isEmpty()) {
            out.println("Because:");
            list.forEach(reason -> out.println("  - " + reason));
        }
        out.println();
        ConnectionsView.workers(answer, out);
    }
}
