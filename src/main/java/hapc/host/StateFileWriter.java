package hapc.host;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a server-state file the way HAProxy must find it: complete or not at all. The text
 * goes to a temporary file next to it, then is renamed over it, so a worker starting at that
 * moment never reads half a file.
 */
public final class StateFileWriter {
    private StateFileWriter() {
    }

    public static void write(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            temporary = Files.createTempFile(dir, "." + file.getFileName() + ".", ".hapc");
            Files.writeString(temporary, text.endsWith("\n") ? text : text + "\n", StandardCharsets.ISO_8859_1);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
}
