package hapc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.model.AdminState;
import hapc.runtime.AdminSocket;
import hapc.runtime.Commands;
import hapc.runtime.RuntimeApi;
import hapc.runtime.SocketTarget;
import hapc.testing.FakeHaproxySocket;
import hapc.testing.HapcRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The security promises of issue 7, checked where they are kept: no shell ever gets a
 * user-supplied string, names are validated before anything is built from them (and the
 * socket layer refuses separators even if a caller forgot), files named in a request are only
 * read.
 */
class SecurityTest {
    private static final Path MAIN = Path.of("src/main/java");
    /** String literals that would start a shell (which would re-split and expand its argument). */
    private static final Pattern SHELL = Pattern.compile(
            "\"(?:/usr)?(?:/bin/)?(?:sh|bash|dash|zsh|ksh|csh|busybox)\"|\"cmd(?:\\.exe)?\"|\"/usr/bin/env\"");

    /**
     * hapc runs programs (haproxy -c, systemctl) only as argument arrays: a config path with a
     * space or a ';' stays one argument. This scans the main code, the reload included once it
     * is merged, for the two ways to hand a string to a shell.
     */
    @Test
    void noShellIsEverStarted() throws IOException {
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.strip().startsWith("*") || line.strip().startsWith("//")) {
                        continue;
                    }
                    Matcher shell = SHELL.matcher(line);
                    // Runtime.getRuntime() is fine for a shutdown hook; its exec is what starts programs from a string
                    if (line.contains("Runtime.getRuntime().exec") || line.contains(".exec(") || shell.find()) {
                        offences.add(file + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertTrue(files > 30, "scanned the main code: " + files + " files");
        assertEquals(List.of(), offences, "a shell or Runtime.exec in the main code");
    }

    /** The last line of defence: even a caller that skipped the name check cannot add a command. */
    @Test
    void theSocketLayerRefusesSeparatorsBeforeConnecting() {
        try (FakeHaproxySocket fake = FakeHaproxySocket.answering("\n")) {
            AdminSocket socket = new AdminSocket(SocketTarget.parse(fake.path().toString()), Duration.ofSeconds(1),
                    line -> { });
            for (String command : List.of("show info; shutdown sessions server web/s1", "show info\nshutdown",
                    "show info\rshutdown", "show info\0", "")) {
                assertThrows(IllegalArgumentException.class, () -> socket.exchange(List.of(command)), command);
            }
            assertEquals(0, fake.connections(), "nothing reached the socket");
        }
    }

    /** Names are checked where commands are built, too, not only when a request is read. */
    @Test
    void commandsAreNeverBuiltFromAnUncheckedName() {
        try (FakeHaproxySocket fake = FakeHaproxySocket.answering("\n")) {
            RuntimeApi api = new RuntimeApi(new AdminSocket(SocketTarget.parse(fake.path().toString()),
                    Duration.ofSeconds(1), line -> { }));
            for (String name : List.of("s1; set server web/s2 state maint", "s1\nshow info", "web/s1", "s 1", "")) {
                HapcException refused = assertThrows(HapcException.class,
                        () -> Commands.setState("web", name, AdminState.MAINT));
                assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
                refused = assertThrows(HapcException.class, () -> Commands.shutdownSessions(name, "s1"));
                assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
                refused = assertThrows(HapcException.class, () -> api.read(List.of(name)));
                assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
                refused = assertThrows(HapcException.class, () -> api.servers(name));
                assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
            }
            assertEquals(0, fake.connections(), "nothing reached the socket");
        }
    }

    /** A config named with -c is read to find the socket, and left exactly as it was. */
    @Test
    void aConfigFileIsOnlyRead() throws IOException {
        Path dir = Files.createTempDirectory("hapc-config-");
        Path config = dir.resolve("haproxy.cfg");
        String text = "global\n    stats socket " + dir.resolve("admin.sock") + " mode 600 level admin\n"
                + "backend web\n    server s1 127.0.0.1:1\n";
        Files.writeString(config, text);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(config, old);
        try {
            HapcRun run = HapcRun.run("-c", config.toString(), "drain-server", "-b", "web", "-s", "s1");
            assertEquals(1, run.exit(), run.stdout());
            assertEquals("socket", run.errorKind(), "the socket named in the config was tried: " + run.stdout());
            assertEquals(text, Files.readString(config));
            assertEquals(old, Files.getLastModifiedTime(config));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(config), files.toList(), "nothing created next to the config");
            }
        } finally {
            Files.delete(config);
            Files.delete(dir);
        }
    }
}
