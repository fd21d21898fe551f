package hapc.config;

import java.util.List;

/**
 * A backend or listen section with its servers, in config order.
 *
 * @param loadServerState the effective {@code load-server-state-from-file} (global, local,
 *                        none), or null when neither the section nor its defaults set it
 * @param serverStateFileName the section's {@code server-state-file-name}, or null
 * @param allBackups  {@code option allbackups}: every backup server takes traffic once no active
 *                    one is up (the capacity guard then counts backups as capacity)
 * @param hashType the effective {@code hash-type} method ("map-based", "consistent"), or null
 *                 when neither the section nor its defaults set it (HAProxy's default: map-based)
 */
public record ConfigBackend(String name, SectionKind kind, String mode, List<ConfigServer> servers,
        String loadServerState, String serverStateFileName, boolean allBackups, String hashType, Origin origin) {
}
