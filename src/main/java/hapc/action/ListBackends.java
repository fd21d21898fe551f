package hapc.action;

import hapc.output.Outcome;
import hapc.request.Action;
import java.util.List;
import java.util.Map;

/** list-backends: the backends of the running HAProxy ({@code show backend}). */
public final class ListBackends implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        if (context.request().links()) {
            return BackendLinks.list(context);
        }
        List<String> names = context.live().api().backendNames();
        List<Map<String, Object>> backends = names.stream().map(name -> Map.<String, Object>of("name", name)).toList();
        return new Outcome(Action.LIST_BACKENDS)
                .msg(names.size() + " backend" + (names.size() == 1 ? "" : "s") + " in the running HAProxy.")
                .put("backends", backends);
    }
}
