package hapc.config;

import java.util.List;

/**
 * A backend or listen section with its servers, in config order.
 *
 * @param loadServerState the effective {@code load-server-state-from-file} (global, local,
 *                        none), or null when neither the section nor its defaults set it
 * @param serverStateFileName the section's {@code server-state-file-name}, or null
 * @param hashType the effective {@code hash-type} method ("map-based", "consistent"), or null
 *                 when neither the section nor its defaults set it (HAProxy's default: map-based)
 */
public record ConfigBackend(String name, SectionKind kind, String mode, List<ConfigServer> servers,
        String loadServerState, String serverStateFileName, String hashType, Origin origin) {
}
