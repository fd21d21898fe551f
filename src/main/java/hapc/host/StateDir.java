package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The directory of hapc's own state on this host: one lock file and one hold store per HAProxy.
 * Every caller that must see the others' locks and holds has to resolve to the same directory,
 * so the default is the system one (/var/lib/hapc) whenever it can be used; a user who cannot
 * write there gets a directory of their own (their XDG state dir, or a private one in the temp
 * dir for an account without a home), which only coordinates that user's calls (the README says
 * so).
 *
 * @param privateFallback the per-user directory in the shared temp dir, which must be checked to
 *                        be this user's own before it is used
 */
public record StateDir(Path path, boolean privateFallback) {
    public static final String SYSTEM_DEFAULT = "/var/lib/hapc";
    public static final String ENVIRONMENT = "HAPC_STATE_DIR";

    /** A directory given or chosen as it is (created with its parents when missing). */
    public StateDir(Path path) {
        this(path, false);
    }

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
        Path user = base.resolve("hapc");
        if (creatable(user)) {
            return new StateDir(user);
        }
        // A service account without a home of its own (nobody's is /nonexistent): a directory of
        // its own in the temp dir, made 0700 and checked to be its own before it is used.
        return new StateDir(Path.of(System.getProperty("java.io.tmpdir"), "hapc-" + System.getProperty("user.name")),
                true);
    }

    /** Whether the directory exists and is writable, or its nearest existing parent is. */
    private static boolean creatable(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }

    /** The directory, created when missing; a clear error when it cannot be. */
    public Path ensure() {
        try {
            if (privateFallback) {
                return ownPrivateDirectory();
            }
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
     * A directory in the shared temp dir, which anyone could have made first (as a symlink, or
     * open to all): created 0700, and used only when it is a real directory of this user's that
     * nobody else can write to.
     */
    private Path ownPrivateDirectory() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another call of this user (or by someone else: checked below)
            }
        }
        boolean own = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                && Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).stream()
                        .noneMatch(p -> p.name().startsWith("GROUP_WRITE") || p.name().startsWith("OTHERS_WRITE"));
        if (!own) {
            throw new HapcException(ErrorKind.PERMISSION, "hapc's state directory " + path + " is not a private"
                    + " directory of this user's (someone else made it, or it is a link): remove it, or set"
                    + " --state-dir or " + ENVIRONMENT);
        }
        return path;
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
