package hapc.action;

import hapc.config.HaproxyConfig;
import hapc.output.Outcome;
import hapc.request.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * list-backends --links: each backend of the running HAProxy with the frontends that route to
 * it according to the config, and whether the two agree. A backend in one and not the other
 * means the config changed since the last reload, or the config read is not the one HAProxy
 * runs: the answer says so instead of mixing the two silently.
 */
final class BackendLinks {
    private BackendLinks() {
    }

    static Outcome list(Context context) {
        List<String> running = context.live().api().backendNames();
        HaproxyConfig config = context.config();
        Set<String> configured = new LinkedHashSet<>();
        config.backends().forEach(b -> configured.add(b.name()));
        Set<String> all = new LinkedHashSet<>(running);
        all.addAll(configured);
        List<Map<String, Object>> backends = new ArrayList<>();
        List<String> onlyInRuntime = new ArrayList<>();
        List<String> onlyInConfig = new ArrayList<>();
        for (String name : all) {
            boolean inRuntime = running.contains(name);
            boolean inConfig = configured.contains(name);
            if (!inConfig) {
                onlyInRuntime.add(name);
            }
            if (!inRuntime) {
                onlyInConfig.add(name);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("frontends", config.frontendsRoutingTo(name));
            json.put("in_runtime", inRuntime);
            json.put("in_config", inConfig);
            backends.add(json);
        }
        boolean agrees = onlyInRuntime.isEmpty() && onlyInConfig.isEmpty();
        Outcome outcome = new Outcome(Action.LIST_BACKENDS);
        if (!agrees) {
            outcome.warn("the running HAProxy and the config (" + String.join(", ", ConfigJson.files(config))
                    + ") do not list the same backends (only running: " + onlyInRuntime + "; only in the config: "
                    + onlyInConfig + "): a reload is pending, or this is not the config HAProxy was started with");
        }
        return outcome
                .msg(running.size() + " backend" + (running.size() == 1 ? "" : "s") + " in the running HAProxy; "
                        + (agrees ? "the config agrees." : "the config differs (see warnings)."))
                .put("backends", backends)
                .put("config_agrees", agrees)
                .put("only_in_runtime", onlyInRuntime)
                .put("only_in_config", onlyInConfig)
                .put("config_files", ConfigJson.files(config));
    }
}
