package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.config.HaproxyBuild;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HAProxy program on this host: the judge of whether a config is valid, and the build
 * (version, features, OpenSSL) {@code .if} conditions are evaluated against.
 */
public final class HaproxyBinary {
    /** {@code haproxy -c} on a config with thousands of backends and certificates takes seconds. */
    private static final Duration CHECK_LIMIT = Duration.ofSeconds(120);
    private static final Duration VERSION_LIMIT = Duration.ofSeconds(10);

    private final String path;

    private HaproxyBinary(String path) {
        this.path = path;
    }

    /** The binary given with --haproxy-bin (a bare name is searched on PATH), else {@code haproxy} on PATH. */
    public static HaproxyBinary locate(String given) {
        if (given != null && !given.contains("/")) {
            return onPath(given).orElseThrow(() -> new HapcException(ErrorKind.CONFIG, "--haproxy-bin " + given
                    + ": no such program on PATH"));
        }
        if (given != null) {
            if (!Files.isExecutable(Path.of(given))) {
                throw new HapcException(ErrorKind.CONFIG, "--haproxy-bin " + given + " is not an executable file");
            }
            return new HaproxyBinary(given);
        }
        return onPath().orElseThrow(() -> new HapcException(ErrorKind.CONFIG,
                "no haproxy on PATH (nor in /usr/sbin or /usr/local/sbin) to validate the config with; give its path"
                        + " with --haproxy-bin"));
    }

    /**
     * Where distributions install haproxy: searched after PATH, since a non-root user's PATH on
     * Debian has no sbin directory, and hapc is run as such a user (the haproxy group) too.
     */
    static final List<String> SBIN_DIRS = List.of("/usr/sbin", "/usr/local/sbin");

    /** {@code haproxy} from PATH, else from the sbin directories, when there is one. */
    public static Optional<HaproxyBinary> onPath() {
        return onPath("haproxy", System.getenv("PATH"), SBIN_DIRS);
    }

    private static Optional<HaproxyBinary> onPath(String name) {
        return onPath(name, System.getenv("PATH"), List.of());
    }

    static Optional<HaproxyBinary> onPath(String name, String pathVariable, List<String> fallback) {
        List<String> dirs = new ArrayList<>();
        if (pathVariable != null) {
            dirs.addAll(List.of(pathVariable.split(File.pathSeparator)));
        }
        dirs.addAll(fallback);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new HaproxyBinary(candidate.toString()));
            }
        }
        return Optional.empty();
    }

    public String path() {
        return path;
    }

    /**
     * {@code haproxy -vv}: version, feature list and OpenSSL in one run of the program (callers
     * ask only when a condition needs it: it costs a process start). Null when it cannot run or
     * does not answer with a version.
     */
    public HaproxyBuild build() {
        try {
            HaproxyBuild build = HaproxyBuild.parse(CommandRun.run(List.of(path, "-vv"), VERSION_LIMIT).output());
            return build.version() == null ? null : build;
        } catch (HapcException e) {
            return null;
        }
    }

    /**
     * {@code haproxy -c -f CONFIG...}: exit 0 valid, 1 invalid, 2 valid but with no listener.
     * From 2.9 it prints nothing on success, so only the exit status decides.
     */
    public CommandRun check(List<String> configs) {
        List<String> command = new ArrayList<>(List.of(path, "-c"));
        for (String config : configs) {
            command.add("-f");
            command.add(config);
        }
        return CommandRun.run(command, CHECK_LIMIT);
    }
}
