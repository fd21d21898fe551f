package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a server-state file the way HAProxy must find it: complete or not at all. The text
 * goes to a temporary file next to it, then is renamed over it, so a worker starting at that
 * moment never reads half a file.
 *
 * <p>A rename replaces whatever has the name, and hapc often runs as root: only a regular file
 * (or nothing yet) is ever replaced. A device, fifo, socket or directory at the configured path
 * is refused, untouched (kind config): renaming over /dev/null would break the host, and a fifo
 * would make the new worker block on reading it. A symlink is followed: the file it leads to is
 * replaced, the link stays a link (an operator who points the path elsewhere meant it).
 */
public final class StateFileWriter {
    /** Linux's own bound on links followed in one path (MAXSYMLINKS). */
    private static final int MAX_LINKS = 40;

    private StateFileWriter() {
    }

    public static void write(Path file, String text) {
        Path target = replaceable(file);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".hapc");
            Files.writeString(temporary, text.endsWith("\n") ? text : text + "\n", StandardCharsets.ISO_8859_1);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
            ErrorKind kind = e instanceof java.nio.file.AccessDeniedException ? ErrorKind.PERMISSION : ErrorKind.CONFIG;
            throw new HapcException(kind, "cannot write the server-state file " + file + ": " + e, e);
        }
    }

    /**
     * The file a write to this path would replace, symlinks followed, checked to be a regular
     * file or nothing yet. Called before anything is changed, so a bad path stops the call early.
     *
     * @throws HapcException kind config when the path leads to anything else
     */
    public static Path replaceable(Path file) {
        Path target = file.toAbsolutePath();
        try {
            for (int links = 0; Files.isSymbolicLink(target); links++) {
                if (links == MAX_LINKS) {
                    throw refused(file, "more than " + MAX_LINKS + " symbolic links to follow (a loop?)");
                }
                target = target.getParent().resolve(Files.readSymbolicLink(target));
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                throw refused(file, (target.equals(file.toAbsolutePath()) ? "it" : "its link target " + target)
                        + " is " + kindOf(target) + ", not a regular file");
            }
        } catch (IOException e) {
            throw new HapcException(ErrorKind.CONFIG, "cannot look at the server-state file " + file + ": " + e, e);
        }
        return target;
    }

    private static HapcException refused(Path file, String why) {
        return new HapcException(ErrorKind.CONFIG, "refusing to write the server-state file " + file + ": " + why
                + "; hapc only replaces a regular file (fix server-state-file / server-state-base in the config)");
    }

    /** What is at a path that is not a regular file, from its file-type bits. */
    private static String kindOf(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0140000 -> "a socket";
                case 0060000 -> "a block device";
                case 0020000 -> "a character device";
                case 0010000 -> "a fifo (named pipe)";
                default -> "a special file";
            };
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
