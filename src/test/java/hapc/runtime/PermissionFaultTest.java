package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.RawSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A non-root operator against root's sockets, as a real separate process running as user
 * {@code nobody}: a {@code mode 600} socket is refused with kind {@code permission} and the
 * README's remedy in the message; that remedy ({@code mode 660 level admin group haproxy}, the
 * operator in group haproxy) then works. Needs root to start processes as another user.
 */
class PermissionFaultTest {
    private static final String NOBODY = "nobody";
    private static final String NOGROUP = "nogroup";
    private static BackendServer backend;
    private static HaproxyProcess haproxy;
    private static Path opsDir;
    private static Path classpathCopy;
    private static String classpath;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        assumeTrue(isRoot(), "needs root: hapc is run as user nobody against root's sockets (skipped, not root)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to run as nobody");
        Integer haproxyGid = gid("haproxy");
        assumeTrue(haproxyGid != null, "needs a group 'haproxy' (Debian's haproxy package creates it)");
        backend = new BackendServer();
        opsDir = Files.createTempDirectory("hapc-ops-");
        Files.setPosixFilePermissions(opsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The README's recipe, verbatim apart from the path.
        haproxy = HaproxyProcess.start(HaproxyVersions.debian(),
                "    stats socket " + opsDir.resolve("ops.sock") + " mode 660 level admin group haproxy\n", """
                backend web
                    server web-1 127.0.0.1:%1$d
                """.formatted(backend.port()));
        // Let nobody reach the mode-600 admin.sock itself, so the socket's own mode is what refuses.
        Files.setPosixFilePermissions(haproxy.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        classpathCopy = HapcProcess.worldReadableClasspath();
        classpath = Files.readString(classpathCopy.resolve("classpath"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (haproxy != null) {
            haproxy.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (classpathCopy != null) {
            HapcProcess.deleteTree(classpathCopy);
        }
        if (opsDir != null) {
            HapcProcess.deleteTree(opsDir);
        }
    }

    @Test
    void aNonRootUserAgainstAMode600RootSocketGetsPermissionWithTheRemedy() {
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of()), classpath,
                "-k", haproxy.adminSocket().toString(), "drain-server", "-b", "web", "-s", "web-1");
        assertEquals(1, run.exit(), run.stdout() + run.stderr());
        assertEquals("permission", run.errorKind(), run.stdout());
        assertTrue(run.msg().contains("mode 660 group haproxy"), run.msg());
        assertEquals("", run.stderr(), "no stack trace");
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
    }

    @Test
    void theSameUserOutsideTheGroupIsRefusedOnTheGroupSocket() {
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of()), classpath,
                "-k", opsDir.resolve("ops.sock").toString(), "list-servers", "-b", "web");
        assertEquals(1, run.exit(), run.stdout() + run.stderr());
        assertEquals("permission", run.errorKind(), run.stdout());
    }

    @Test
    void theRemedyWorksAnOperatorInGroupHaproxyCanDrain() throws Exception {
        HapcProcess run = HapcProcess.runAs(new HapcProcess.RunAs(NOBODY, NOGROUP, List.of(gid("haproxy"))),
                classpath, "-k", opsDir.resolve("ops.sock").toString(), "drain-server", "-b", "web", "-s", "web-1");
        try {
            assertEquals(0, run.exit(), run.stdout() + run.stderr());
            assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
        } finally {
            RawSocket.ask(haproxy.adminSocket(), "set server web/web-1 state ready");
        }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        java.lang.Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes()).strip();
        id.waitFor();
        return uid.equals("0");
    }

    private static Integer gid(String group) throws IOException, InterruptedException {
        java.lang.Process getent = new ProcessBuilder("getent", "group", group).start();
        String line = new String(getent.getInputStream().readAllBytes()).strip();
        getent.waitFor();
        String[] fields = line.split(":");
        return fields.length >= 3 ? Integer.valueOf(fields[2]) : null;
    }
}
