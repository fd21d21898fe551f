package hapc.output.text;

import java.io.PrintStream;
import java.util.Map;

/** list-backends: one row per backend; with --links, the frontends routing to it. */
final class BackendListView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        var backends = answer.objects("backends");
        boolean links = backends.stream().anyMatch(b -> b.containsKey("frontends"));
        boolean sides = backends.stream().anyMatch(b -> b.containsKey("in_runtime") || b.containsKey("in_config"));
        Table table = links && sides ? new Table("BACKEND", "FRONTENDS", "RUNNING", "IN CONFIG")
                : links ? new Table("BACKEND", "FRONTENDS") : new Table("BACKEND");
        for (Map<String, Object> backend : backends) {
            if (links && sides) {
                table.row(backend.get("name"), backend.get("frontends"), backend.get("in_runtime"),
                        backend.get("in_config"));
            } else if (links) {
                table.row(backend.get("name"), backend.get("frontends"));
            } else {
                table.row(backend.get("name"));
            }
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
        // config_agrees is what the two lists below say; shown through them.
        answer.skip("config_agrees");
        Object runtimeOnly = answer.take("only_in_runtime");
        Object configOnly = answer.take("only_in_config");
        boolean any = runtimeOnly instanceof java.util.Collection<?> r && !r.isEmpty()
                || configOnly instanceof java.util.Collection<?> c && !c.isEmpty();
        if (any) {
            out.println();
            out.println("Only in the running HAProxy: " + Values.show(runtimeOnly));
            out.println("Only in the config: " + Values.show(configOnly));
        }
    }
}
