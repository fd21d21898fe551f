package hapc.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs many commands into as few CLI lines as HAProxy takes. HAProxy reads a command line into
 * one buffer ({@code tune.bufsize}, 16 kB by default) and refuses a longer one, so a line is kept
 * under {@link #MAX_BYTES}; a command is never cut in two, and each line is one exchange.
 */
final class CommandLines {
    /** Under the default 16,384-byte buffer, with room for the severity prefix and separators. */
    static final int MAX_BYTES = 15_000;

    private CommandLines() {
    }

    static List<List<String>> pack(List<String> commands) {
        return pack(commands, MAX_BYTES);
    }

    static List<List<String>> pack(List<String> commands, int maxBytes) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        int bytes = 0;
        for (String command : commands) {
            int size = command.getBytes(StandardCharsets.UTF_8).length + 2; // "; " between commands
            if (!line.isEmpty() && bytes + size > maxBytes) {
                lines.add(line);
                line = new ArrayList<>();
                bytes = 0;
            }
            line.add(command);
            bytes += size;
        }
        if (!line.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }
}
