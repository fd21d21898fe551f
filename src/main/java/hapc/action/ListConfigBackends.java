package hapc.action;

import hapc.HapcException;
import hapc.config.ConfigBackend;
import hapc.config.Frontend;
import hapc.config.HaproxyConfig;
import hapc.output.Outcome;
import hapc.request.Action;
import java.util.List;

/**
 * list-config-backends: every backend and listen section of the config with its servers; with
 * a frontend, only the backends that frontend routes to (default backend and static use_backend
 * targets; dynamic ones are named in a warning, since only the running HAProxy resolves them).
 */
public final class ListConfigBackends implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        HaproxyConfig config = context.config();
        String frontendName = context.request().frontend();
        List<ConfigBackend> backends = config.backends();
        Outcome outcome = new Outcome(Action.LIST_CONFIG_BACKENDS);
        String scope = "";
        if (frontendName != null) {
            Frontend frontend = config.frontend(frontendName).orElseThrow(() -> HapcException.notFound(
                    "no frontend or listen section '" + frontendName + "' in the config (" + String.join(", ",
                            ConfigJson.files(config)) + ")"));
            List<String> targets = frontend.staticTargets();
            backends = targets.stream().map(config::backend).flatMap(java.util.Optional::stream).toList();
            if (frontend.hasDynamicTargets()) {
                outcome.warn(frontendName + " also routes through use_backend rules with dynamic names ("
                        + String.join(", ", frontend.useBackends().stream().filter(r -> r.dynamic())
                                .map(r -> r.target() + " at " + r.origin()).toList())
                        + "); only the running HAProxy resolves them, so they are not listed");
            }
            outcome.put("frontend", frontendName);
            scope = " that " + frontendName + " routes to";
        }
        int servers = backends.stream().mapToInt(b -> b.servers().size()).sum();
        return outcome
                .msg(backends.size() + " backend" + (backends.size() == 1 ? "" : "s") + scope + " with " + servers
                        + " server" + (servers == 1 ? "" : "s") + " in the config.")
                .put("config_files", ConfigJson.files(config))
                .put("backends", backends.stream().map(ConfigJson::backend).toList());
    }
}
