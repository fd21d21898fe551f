package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hapc.testing.BoundedProcess;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A non-root operator against root's sockets, as a real separate process running as user
 * {@code nobody}: a {@code mode 600} socket is refused with kind {@code permission} and the
 * README's remedy in the message; that remedy ({@code mode 660 level admin group haproxy}, the
 * operator in group haproxy) then works. Needs root to start processes as another user.
 */
class PermissionFaultTest {
    private static final String NOBODY = "nobody";
    private static final String NOGROUP = "nogroup";
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();
    private static Path classpathCopy;
    private static String classpath;

    /** One version's HAProxy, with the README's group socket in a directory nobody can reach. */
    record Live(HaproxyProcess haproxy, Path opsDir) {
        Path opsSocket() {
            return opsDir.resolve("ops.sock");
        }
    }

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(isRoot(), "needs root: hapc is run as user nobody against root's sockets (skipped, not root)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to run as nobody");
        assumeTrue(gid("haproxy") != null, "needs a group 'haproxy' (Debian's haproxy package creates it)");
        classpathCopy = HapcProcess.worldReadableClasspath();
        classpath = Files.readString(classpathCopy.resolve("classpath"));
    }

    private static Live live(String binary) {
        return LIVE.perVersion(binary, b -> {
            try {
                Path opsDir = Files.createTempDirectory("hapc-ops-");
                Files.setPosixFilePermissions(opsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
                // The README's recipe, verbatim apart from the path.
                HaproxyProcess haproxy = LIVE.start(b,
                        "    stats socket " + opsDir.resolve("ops.sock") + " mode 660 level admin group haproxy\n", """
                        backend web
                            server web-1 127.0.0.1:%1$d
                        """.formatted(LIVE.backend().port()));
                // Let nobody reach the mode-600 admin.sock itself, so the socket's own mode is what refuses.
                Files.setPosixFilePermissions(haproxy.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
                return new Live(haproxy, opsDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (classpathCopy != null) {
            HapcProcess.deleteTree(classpathCopy);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aNonRootUserAgainstAMode600RootSocketGetsPermissionWithTheRemedy(String binary) {
        HaproxyProcess haproxy = live(binary).haproxy();
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of()), classpath,
                "-k", haproxy.adminSocket().toString(), "drain-server", "-b", "web", "-s", "web-1");
        assertEquals(1, run.exit(), run.stdout() + run.stderr());
        assertEquals("permission", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("mode 660 group haproxy"), run.msg());
        assertEquals("", run.stderr(), "no stack trace");
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theSameUserOutsideTheGroupIsRefusedOnTheGroupSocket(String binary) {
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of()), classpath,
                "-k", live(binary).opsSocket().toString(), "list-servers", "-b", "web");
        assertEquals(1, run.exit(), run.stdout() + run.stderr());
        assertEquals("permission", run.errorKind(), run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theRemedyWorksAnOperatorInGroupHaproxyCanDrain(String binary) {
        Live live = live(binary);
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of(gid("haproxy"))),
                classpath, "-k", live.opsSocket().toString(), "drain-server", "-b", "web", "-s", "web-1");
        try {
            assertEquals(0, run.exit(), run.stdout() + run.stderr());
            assertEquals(0x08, RawSocket.adminBits(live.haproxy().adminSocket(), "web", "web-1"));
        } finally {
            RawSocket.ask(live.haproxy().adminSocket(), "set server web/web-1 state ready");
        }
    }

    private static boolean isRoot() {
        return BoundedProcess.run(Duration.ofSeconds(10), "id", "-u").stdout().strip().equals("0");
    }

    private static Integer gid(String group) {
        String[] fields = BoundedProcess.run(Duration.ofSeconds(10), "getent", "group", group).stdout().strip()
                .split(":");
        return fields.length >= 3 ? Integer.valueOf(fields[2]) : null;
    }
}
