package hapc.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The master process of an HAProxy on this host, found from the pid its master CLI gives in
 * {@code show proc} (HAProxy's own view of its pid). That pid is this host's only when HAProxy
 * runs in hapc's pid namespace: in a container the master is pid 1, and pid 1 here is init,
 * always alive. So the pid is trusted only when the process that has it here runs with
 * {@code -S} naming this very master socket (how a master CLI comes to exist), read from
 * {@code /proc/PID/cmdline}: readable by any user (a non-root operator included, where
 * {@code /proc/PID/fd}, which would show the socket's inode, needs the right to trace the
 * process), one small read, and kept by the master's re-execution on reload (same argv).
 */
public final class LocalMaster {
    private static final Path PROC = Path.of("/proc");

    private LocalMaster() {
    }

    /**
     * The process with this pid here, if it is the master listening on {@code masterSocket};
     * empty when no such process, when it is another process (another pid namespace), or when
     * its command line cannot be read.
     */
    public static Optional<ProcessHandle> of(int pid, Path masterSocket) {
        return of(PROC, pid, masterSocket);
    }

    static Optional<ProcessHandle> of(Path proc, int pid, Path masterSocket) {
        if (pid <= 0 || masterSocket == null) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Path dir = proc.resolve(String.valueOf(pid));
        List<String> args;
        try {
            args = split(Files.readAllBytes(dir.resolve("cmdline")));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        for (Path named : masterSockets(args)) {
            if (!named.isAbsolute()) {
                try {
                    named = Files.readSymbolicLink(dir.resolve("cwd")).resolve(named);
                } catch (IOException | SecurityException | UnsupportedOperationException e) {
                    continue;
                }
            }
            if (same(named, masterSocket)) {
                return handle;
            }
        }
        return Optional.empty();
    }

    /** The unix paths given to {@code -S} ({@code -S PATH[,options]}, {@code unix@} allowed). */
    static List<Path> masterSockets(List<String> args) {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (!args.get(i).equals("-S")) {
                continue;
            }
            String address = args.get(i + 1).split(",", 2)[0];
            if (address.startsWith("unix@")) {
                address = address.substring("unix@".length());
            } else if (address.contains("@")) {
                continue; // ipv4@, ipv6@, fd@...: no path to compare
            }
            try {
                paths.add(Path.of(address));
            } catch (InvalidPathException e) {
                // not a path: not this socket
            }
        }
        return paths;
    }

    private static boolean same(Path named, Path socket) {
        if (named.normalize().equals(socket.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.isSameFile(named, socket);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static List<String> split(byte[] cmdline) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                args.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            args.add(new String(cmdline, start, cmdline.length - start, StandardCharsets.UTF_8));
        }
        return args;
    }
}
