package hapc.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-state files a new HAProxy worker loads at startup ({@code server-state-file} with
 * {@code load-server-state-from-file global}, or one file per backend with {@code local}),
 * resolved against {@code server-state-base}. A relative path without a base is relative to
 * HAProxy's working directory, which hapc cannot know: it is a problem, not a guess.
 *
 * @param global    the global file, or null when no backend loads it
 * @param perBackend backend name -> its own file ({@code local})
 * @param problems  why some backend's states cannot go through a file
 */
public record StateFiles(Path global, Map<String, Path> perBackend, List<String> problems) {
    public boolean any() {
        return global != null || !perBackend.isEmpty();
    }

    static StateFiles of(HaproxyConfig config) {
        Path global = null;
        Map<String, Path> perBackend = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConfigBackend backend : config.backends()) {
            String mode = backend.loadServerState();
            if (mode == null || mode.equals("none")) {
                continue;
            }
            if (mode.equals("global")) {
                if (config.serverStateFile() == null) {
                    problems.add("backend " + backend.name() + " loads the global server-state file, but the global"
                            + " section sets no server-state-file");
                    continue;
                }
                Path resolved = resolve(config.serverStateFile(), config.serverStateBase());
                if (resolved == null) {
                    problems.add("server-state-file " + config.serverStateFile() + " is relative and there is no"
                            + " server-state-base: it depends on HAProxy's working directory");
                    continue;
                }
                global = resolved;
            } else if (mode.equals("local")) {
                String name = backend.serverStateFileName() == null
                        || backend.serverStateFileName().equals("use-backend-name")
                        ? backend.name() : backend.serverStateFileName();
                Path resolved = resolve(name, config.serverStateBase());
                if (resolved == null) {
                    problems.add("backend " + backend.name() + " loads its server states from '" + name + "', a"
                            + " relative path without server-state-base");
                    continue;
                }
                perBackend.put(backend.name(), resolved);
            } else {
                problems.add("backend " + backend.name() + ": load-server-state-from-file '" + mode
                        + "' is not global, local or none");
            }
        }
        return new StateFiles(global, java.util.Collections.unmodifiableMap(perBackend), List.copyOf(problems));
    }

    private static Path resolve(String file, String base) {
        if (file.startsWith("/")) {
            return Path.of(file);
        }
        if (base == null || !base.startsWith("/")) {
            return null;
        }
        return Path.of(base).resolve(file);
    }
}
