package hapc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which of stdout and stderr a person is looking at. Each is decided on its own: hapc piped
 * into jq from a terminal has stdout on a pipe and stderr on the terminal, and must print
 * compact JSON while still showing drain progress.
 *
 * <p>Java 17 cannot ask isatty(2) about one stream: {@code System.console()} is non-null
 * only when stdin AND stdout are terminals, so it is wrong for {@code hapc ... < request.json}
 * and says nothing about stderr. On Linux, /proc/self/fd/N names the file behind each stream,
 * and terminals are the /dev/pts/* and /dev/tty* devices; elsewhere the console is the
 * fallback for stdout, and stderr counts as not a terminal (no progress is the safe side).
 *
 * @param stdout pretty-print JSON
 * @param stderr show drain progress
 */
public record Terminal(boolean stdout, boolean stderr) {
    public static final Terminal NONE = new Terminal(false, false);

    public static Terminal detect() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return new Terminal(System.console() != null, false);
        }
        return new Terminal(isTerminal(fds.resolve("1")), isTerminal(fds.resolve("2")));
    }

    static boolean isTerminal(Path fd) {
        try {
            return isTerminalDevice(Files.readSymbolicLink(fd).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** /dev/pts/3, /dev/tty1, /dev/console; not /dev/null, pipes, sockets or files. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.matches("/dev/tty[A-Za-z]*[0-9]*") || target.equals("/dev/console");
    }
}
