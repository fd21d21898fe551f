package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reload-haproxy writes the config's server-state file by rename, often as root: it must never
 * replace anything but a regular file. A fifo, a character device, a socket or a directory at
 * the path (or at the end of a symlink) is refused with kind config, left as it was, and
 * HAProxy is not reloaded; a symlink to a regular file is followed and stays a link.
 */
class StateFileKindsTest {
    private static final int S_IFMT = 0170000;

    private interface Setup {
        void make(Path stateFile, Path dir) throws Exception;
    }

    private static void withHaproxy(String binary, Setup setup, Check check) throws Exception {
        Path dir = Files.createTempDirectory("hapc-statekind-");
        try (BackendServer server = new BackendServer()) {
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, HaproxyProcess.globalAndDefaults(dir)
                    .replace("defaults\n", "    server-state-base " + dir + "\n    server-state-file servers.state\n"
                            + "defaults\n    load-server-state-from-file global\n")
                    + """
                    listen be
                        mode tcp
                        bind 127.0.0.1:%d
                        server s1 127.0.0.1:%d
                    """.formatted(Ports.free(), server.port()));
            try (HaproxyProcess haproxy = HaproxyProcess.startWith(binary, dir, config)) {
                Path stateFile = dir.resolve("servers.state");
                setup.make(stateFile, dir);
                RawSocket.ask(haproxy.adminSocket(), "set server be/s1 state drain");
                int worker = Procs.currentWorker(haproxy.masterSocket());
                HapcRun run = HapcRun.run("reload-haproxy", "-c", config.toString(), "--master-socket",
                        haproxy.masterSocket().toString(), "--haproxy-bin", binary);
                check.check(haproxy, run, stateFile, worker);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private interface Check {
        void check(HaproxyProcess haproxy, HapcRun run, Path stateFile, int worker) throws Exception;
    }

    private static int type(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    }

    private static void mkfifo(Path path) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor());
    }

    /** Refused with kind config, the thing untouched, nothing reloaded. */
    private static Check refused(String kindWords, int expectedType, Path[] watched) {
        return (haproxy, run, stateFile, worker) -> {
            assertEquals(1, run.exit(), run.stdout());
            assertEquals("config", run.errorKind(), run.stdout());
            assertTrue(run.msg().contains("refusing to write the server-state file " + stateFile), run.msg());
            assertTrue(run.msg().contains(kindWords) && run.msg().contains("nothing was reloaded"), run.msg());
            assertEquals(expectedType, type(watched[0]), "left as it was");
            assertEquals(worker, Procs.currentWorker(haproxy.masterSocket()), "not reloaded");
            assertEquals(0, Procs.masterCounters(haproxy.masterSocket())[0], "not reloaded");
        };
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aFifoIsRefusedAndUntouched(String binary) throws Exception {
        Path[] watched = new Path[1];
        withHaproxy(binary, (file, dir) -> {
            mkfifo(file);
            watched[0] = file;
        }, refused("a fifo", 0010000, watched));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aSymlinkToAFifoIsRefusedAndBothAreUntouched(String binary) throws Exception {
        Path[] watched = new Path[1];
        withHaproxy(binary, (file, dir) -> {
            Path fifo = dir.resolve("pipe");
            mkfifo(fifo);
            Files.createSymbolicLink(file, fifo);
            watched[0] = fifo;
        }, (haproxy, run, stateFile, worker) -> {
            refused("its link target", 0010000, watched).check(haproxy, run, stateFile, worker);
            assertTrue(Files.isSymbolicLink(stateFile), "the link is still a link");
        });
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aCharacterDeviceIsRefusedAndUntouched(String binary) throws Exception {
        Path[] watched = new Path[1];
        withHaproxy(binary, (file, dir) -> {
            // the null device's numbers, made in the test's own directory (needs CAP_MKNOD);
            // without the right to make one, a unix socket stands in: another non-regular file
            int made = new ProcessBuilder("mknod", file.toString(), "c", "1", "3").start().waitFor();
            if (made != 0) {
                ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                socket.bind(UnixDomainSocketAddress.of(file));
                socket.close();
            }
            watched[0] = file;
        }, (haproxy, run, stateFile, worker) -> {
            int type = type(stateFile);
            refused(type == 0020000 ? "a character device" : "a socket", type, watched)
                    .check(haproxy, run, stateFile, worker);
        });
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aDirectoryIsRefusedInCheckModeToo(String binary) throws Exception {
        Path dirPath = Files.createTempDirectory("hapc-statekind-check-");
        try {
            Path[] watched = new Path[1];
            withHaproxy(binary, (file, dir) -> {
                Files.createDirectory(file);
                watched[0] = file;
            }, (haproxy, run, stateFile, worker) -> {
                refused("a directory", 0040000, watched).check(haproxy, run, stateFile, worker);
                HapcRun check = HapcRun.run("reload-haproxy", "--check", "-c", haproxy.config().toString(),
                        "--master-socket", haproxy.masterSocket().toString(), "--haproxy-bin", binary);
                assertEquals("config", check.errorKind(), check.stdout());
            });
        } finally {
            Files.deleteIfExists(dirPath);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aSymlinkToARegularFileIsFollowedAndStaysALink(String binary) throws Exception {
        withHaproxy(binary, (file, dir) -> {
            Path real = Files.createDirectory(dir.resolve("real")).resolve("states");
            Files.writeString(real, "1\n");
            Files.createSymbolicLink(file, Path.of("real/states"));
        }, (haproxy, run, stateFile, worker) -> {
            assertEquals(0, run.exit(), run.stdout());
            assertTrue(Files.isSymbolicLink(stateFile), "still a link");
            assertEquals(Path.of("real/states"), Files.readSymbolicLink(stateFile));
            Path real = stateFile.resolveSibling("real/states");
            assertTrue(Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.readString(real).lines().anyMatch(l -> l.contains(" be ") && l.contains(" s1 ")),
                    "the link's target holds the states");
            assertEquals("server_state_file", run.json().at("/states_restored/0/how").asText(), run.stdout());
            assertEquals("drain", ServerStates.of(haproxy, "be", "s1"), "the new worker loaded it through the link");
            try (Stream<Path> left = Files.list(stateFile.getParent())) {
                assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".hapc")), "no temporary left");
            }
        });
    }
}
