package hapc.action;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reload-haproxy in check mode against a real HAProxy (master-worker) whose config uses
 * {@code server-state-file} and {@code load-server-state-from-file}: the server-state file is
 * the one file hapc writes, and check mode must leave it alone (content, mtime, inode) and
 * create nothing beside it. The real reload at the end shows the same file does move when
 * hapc is allowed to write it, so the checks above can fail.
 */
@Timeout(90)
class ReloadCheckModeStateFileTest {
    /** A time in the past: a write "now" cannot keep it by chance. */
    private static final FileTime OLD = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));

    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private HaproxyProcess haproxy(String binary) throws IOException {
        Path dir = Files.createTempDirectory("hapc-checkstate-");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    stats socket %1$s/admin.sock mode 600 level admin
                    server-state-base %1$s
                    server-state-file servers.state
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    load-server-state-from-file global
                frontend fe
                    bind 127.0.0.1:%2$d
                    default_backend be
                backend be
                    server s1 127.0.0.1:%3$d
                    server s2 127.0.0.1:%3$d
                """.formatted(dir, Ports.free(), live.backend().port()));
        return HaproxyProcess.startWith(binary, dir, config);
    }

    private static HapcRun reload(HaproxyProcess haproxy, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("reload-haproxy", "-c", haproxy.config().toString(),
                "--master-socket", haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary()));
        args.addAll(List.of(extra));
        return HapcRun.run(args.toArray(String[]::new));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeLeavesAnExistingStateFileAlone(String binary) throws Exception {
        try (HaproxyProcess haproxy = haproxy(binary)) {
            Path state = haproxy.dir().resolve("servers.state");
            assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server be/s1 state drain").strip());
            // What HAProxy itself would save, then made old: a rewrite of any kind shows.
            Files.writeString(state, RawSocket.ask(haproxy.adminSocket(), "show servers state"));
            Files.setLastModifiedTime(state, OLD);
            byte[] content = Files.readAllBytes(state);
            Object inode = Files.getAttribute(state, "unix:ino");
            List<String> filesBefore = listing(haproxy.dir());
            int worker = Procs.currentWorker(haproxy.masterSocket());

            HapcRun run = reload(haproxy, "--check");

            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.json().get("check_mode").asBoolean());
            assertArrayEquals(content, Files.readAllBytes(state), "content");
            assertEquals(OLD, Files.getLastModifiedTime(state), "mtime");
            assertEquals(inode, Files.getAttribute(state, "unix:ino"), "not replaced by a rename either");
            assertEquals(filesBefore, listing(haproxy.dir()), "no temporary file left beside it");
            assertEquals(worker, Procs.currentWorker(haproxy.masterSocket()), "nothing reloaded");
            assertEquals("drain", ServerStates.of(haproxy, "be", "s1"));

            // The control: a real reload rewrites the very same file.
            HapcRun real = reload(haproxy);
            assertEquals(0, real.exit(), real.stdout());
            assertNotEquals(OLD, Files.getLastModifiedTime(state), "the real reload wrote the file");
            assertNotEquals(worker, Procs.currentWorker(haproxy.masterSocket()));
            assertEquals("drain", ServerStates.of(haproxy, "be", "s1"), "and HAProxy loaded the state from it");
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeCreatesNoStateFile(String binary) throws Exception {
        try (HaproxyProcess haproxy = haproxy(binary)) {
            Path state = haproxy.dir().resolve("servers.state");
            assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server be/s2 state maint").strip());
            List<String> filesBefore = listing(haproxy.dir());
            assertFalse(Files.exists(state));

            HapcRun run = reload(haproxy, "-C");

            assertEquals(0, run.exit(), run.stdout());
            assertFalse(Files.exists(state), "check mode wrote " + state);
            assertEquals(filesBefore, listing(haproxy.dir()));
            assertEquals(0, Procs.masterCounters(haproxy.masterSocket())[0], "nothing reloaded");
        }
    }
}
