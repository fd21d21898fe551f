package hapc.plan;

import hapc.action.Context;
import hapc.config.ConfigBackend;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the capacity guard knows beyond the live state: which backends have {@code option
 * allbackups}, when haproxy.cfg was given (-c). The runtime API does not show the option; without
 * the config the guard never counts a backup server as capacity (the safe side), and its answer
 * says which source it used.
 *
 * @param allBackups the backends with {@code option allbackups} in the config
 * @param fromConfig whether the config was read for this
 */
public record CapacityBasis(Set<String> allBackups, boolean fromConfig) {
    public static final CapacityBasis LIVE_ONLY = new CapacityBasis(Set.of(), false);

    public static CapacityBasis of(Context context) {
        if (context.request().configs().isEmpty()) {
            return LIVE_ONLY;
        }
        return new CapacityBasis(context.config().backends().stream().filter(ConfigBackend::allBackups)
                .map(ConfigBackend::name).collect(Collectors.toUnmodifiableSet()), true);
    }

    /** How the answer names where "backup" and "allbackups" came from. */
    String source(String backend) {
        return fromConfig ? "backup from show stat (bck), option allbackups " + (allBackups.contains(backend)
                ? "set" : "not set") + " in haproxy.cfg"
                : "backup from show stat (bck); option allbackups unknown without --config, backups not counted";
    }
}
