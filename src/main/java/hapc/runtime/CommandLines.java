package hapc.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs many commands into as few CLI lines as HAProxy takes. HAProxy reads a command line into
 * one buffer ({@code tune.bufsize}, 16 kB by default) and refuses a longer one, so a line is kept
 * under {@link #MAX_BYTES}; a command is never cut in two, and each line is one exchange.
 *
 * <p>Writes are packed by group (one target's commands): a group is never split over two
 * lines, so an exchange that breaks leaves each target either wholly sent or wholly not (never
 * a paused agent on a server still in rotation). A group larger than a line cannot happen with
 * names of at most 255 characters (a target's commands take under 2.5 kB); should one come, it
 * goes alone on its own lines, cut between commands, and the next group starts a new line.
 */
final class CommandLines {
    /** Under the default 16,384-byte buffer, with room for the severity prefix and separators. */
    static final int MAX_BYTES = 15_000;

    private CommandLines() {
    }

    /** Commands that may go on any line (reads): each one a group of its own. */
    static List<List<String>> pack(List<String> commands) {
        return packGroups(commands.stream().map(List::of).toList(), MAX_BYTES);
    }

    static List<List<String>> packGroups(List<List<String>> groups) {
        return packGroups(groups, MAX_BYTES);
    }

    static List<List<String>> packGroups(List<List<String>> groups, int maxBytes) {
        Lines lines = new Lines(maxBytes);
        for (List<String> group : groups) {
            int size = group.stream().mapToInt(CommandLines::size).sum();
            if (size <= maxBytes) {
                lines.fit(size);
                group.forEach(lines::add);
            } else {
                lines.close();
                for (String command : group) {
                    lines.fit(size(command));
                    lines.add(command);
                }
                lines.close();
            }
        }
        lines.close();
        return lines.done;
    }

    private static int size(String command) {
        return command.getBytes(StandardCharsets.UTF_8).length + 2; // "; " between commands
    }

    /** The lines so far and the one being filled. */
    private static final class Lines {
        final List<List<String>> done = new ArrayList<>();
        final int maxBytes;
        List<String> line = new ArrayList<>();
        int bytes;

        Lines(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** Starts a new line unless {@code size} more bytes fit on this one. */
        void fit(int size) {
            if (bytes + size > maxBytes) {
                close();
            }
        }

        void add(String command) {
            line.add(command);
            bytes += size(command);
        }

        void close() {
            if (!line.isEmpty()) {
                done.add(line);
                line = new ArrayList<>();
                bytes = 0;
            }
        }
    }
}
