package hapc.action;

import hapc.config.Frontend;
import hapc.config.HaproxyConfig;
import hapc.output.Outcome;
import hapc.request.Action;

/**
 * list-frontends: every frontend and listen section of the config with its mode, binds, default
 * backend (its own or inherited from defaults) and use_backend targets. Reads the config only;
 * the running HAProxy is not asked.
 */
public final class ListFrontends implements ActionHandler {
    @Override
    public Outcome run(Context context) {
        HaproxyConfig config = context.config();
        int count = config.frontends().size();
        long dynamic = config.frontends().stream().filter(Frontend::hasDynamicTargets).count();
        return new Outcome(Action.LIST_FRONTENDS)
                .msg(count + " frontend" + (count == 1 ? "" : "s") + " (listen sections included) in "
                        + config.files().size() + " config file" + (config.files().size() == 1 ? "" : "s")
                        + (dynamic == 0 ? "." : "; " + dynamic + " route" + (dynamic == 1 ? "s" : "")
                                + " through dynamic use_backend names only the running HAProxy resolves."))
                .put("config_files", ConfigJson.files(config))
                .put("frontends", config.frontends().stream().map(ConfigJson::frontend).toList());
    }
}
