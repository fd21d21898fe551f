package hapc.config;

import java.util.List;

/**
 * A frontend or listen section as HAProxy will run it: its effective mode (inherited from its
 * defaults section, HAProxy's own default being tcp) and where its traffic can go.
 *
 * @param defaultBackend     the backend taking what no use_backend rule takes, or null
 * @param defaultBackendFrom "section" (its own line), "defaults" (inherited), "self" (a listen
 *                           section without one serves its own servers), or null
 */
public record Frontend(
        String name,
        SectionKind kind,
        String mode,
        List<Bind> binds,
        String defaultBackend,
        String defaultBackendFrom,
        List<UseBackend> useBackends,
        Origin origin) {

    /** Every backend name this frontend can route to that is known without running it. */
    public List<String> staticTargets() {
        List<String> targets = new java.util.ArrayList<>();
        if (defaultBackend != null) {
            targets.add(defaultBackend);
        }
        for (UseBackend rule : useBackends) {
            if (!rule.dynamic() && !targets.contains(rule.target())) {
                targets.add(rule.target());
            }
        }
        return targets;
    }

    public boolean hasDynamicTargets() {
        return useBackends.stream().anyMatch(UseBackend::dynamic);
    }
}
