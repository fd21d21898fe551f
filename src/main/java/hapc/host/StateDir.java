package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The directory of hapc's own state on this host: one lock file and one hold store per HAProxy.
 * Every caller that must see the others' locks and holds has to resolve to the same directory,
 * so the default is the system one (/var/lib/hapc) whenever it can be used; a user who cannot
 * write there gets a directory of their own, which only coordinates that user's calls (the
 * README says so).
 */
public record StateDir(Path path) {
    public static final String SYSTEM_DEFAULT = "/var/lib/hapc";
    public static final String ENVIRONMENT = "HAPC_STATE_DIR";

    /** --state-dir, else $HAPC_STATE_DIR, else /var/lib/hapc when usable, else the user's state dir. */
    public static StateDir resolve(String given, Function<String, String> env) {
        if (given != null) {
            return new StateDir(Path.of(given));
        }
        String fromEnv = env.apply(ENVIRONMENT);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new StateDir(Path.of(fromEnv));
        }
        Path system = Path.of(SYSTEM_DEFAULT);
        if (Files.isDirectory(system) ? Files.isWritable(system) : Files.isWritable(system.getParent())) {
            return new StateDir(system);
        }
        String xdg = env.apply("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return new StateDir(base.resolve("hapc"));
    }

    /** The directory, created when missing; a clear error when it cannot be. */
    public Path ensure() {
        try {
            Files.createDirectories(path);
            return path;
        } catch (AccessDeniedException e) {
            throw new HapcException(ErrorKind.PERMISSION, "cannot create hapc's state directory " + path
                    + ": permission denied (set --state-dir or " + ENVIRONMENT + ")");
        } catch (IOException e) {
            throw new HapcException(ErrorKind.CONFIG, "cannot create hapc's state directory " + path + ": " + e);
        }
    }

    /**
     * The file of one HAProxy for one purpose ("lock", "holds.json"): a readable tail of the key
     * plus a digest of the whole, so two sockets never share a file and an operator can still
     * tell which HAProxy a file belongs to.
     */
    public Path fileFor(String haproxyKey, String suffix) {
        String readable = haproxyKey.replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 60) {
            readable = readable.substring(readable.length() - 60);
        }
        return path.resolve(readable + "-" + digest(haproxyKey) + "." + suffix);
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
