package hapc.output.text;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** list-frontends: each frontend with its binds and the backends it routes to. */
final class FrontendListView implements TextView {
    @Override
    public void render(TextDocument answer, PrintStream out) {
        Table table = new Table("FRONTEND", "TYPE", "MODE", "BINDS", "BACKENDS", "DEFINED AT");
        for (Map<String, Object> frontend : answer.objects("frontends")) {
            table.row(frontend.get("name"), frontend.get("type"), frontend.get("mode"), frontend.get("binds"),
                    backends(frontend), Values.origin(frontend.get("file"), frontend.get("line")));
        }
        if (!table.isEmpty()) {
            table.print(out);
        }
    }

    /**
     * "web (default), api, %[req.hdr(host)] (dynamic)": every way the frontend picks a backend;
     * a default inherited from a defaults section says so, since it is not in the frontend's
     * own lines, and a listen section serving its own servers reads "(itself)".
     */
    static List<String> backends(Map<String, Object> frontend) {
        List<String> names = new ArrayList<>();
        Object fallback = frontend.get("default_backend");
        if (fallback != null) {
            Object from = frontend.get("default_backend_from");
            names.add(fallback + ("defaults".equals(from) ? " (default, from defaults)"
                    : "self".equals(from) ? " (itself)" : " (default)"));
        }
        if (frontend.get("use_backends") instanceof Collection<?> used) {
            used.forEach(name -> names.add(name.toString()));
        }
        if (frontend.get("dynamic_use_backends") instanceof Collection<?> dynamic) {
            dynamic.forEach(name -> names.add(name + " (dynamic)"));
        }
        return names;
    }
}
