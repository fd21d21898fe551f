package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.FakeHaproxySocket;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken surroundings: no socket, the wrong kind of file, nobody listening, an HAProxy that
 * hangs, hangs up mid-answer, is too old or talks nonsense. Every case is exit 1 with the
 * right error kind, within a bounded time, and where a real HAProxy sits behind the fault its
 * state is checked through {@link RawSocket}.
 */
class SocketFaultsTest {
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();
    private static int faults;

    /** The class's HAProxy of this version, started on first use. */
    private static HaproxyProcess haproxy(String binary) {
        return LIVE.perVersion(binary, b -> LIVE.start(b, """
                backend web
                    server web-1 127.0.0.1:%1$d
                    server web-2 127.0.0.1:%1$d
                """.formatted(LIVE.backend().port())));
    }

    @AfterAll
    static void stop() {
        System.out.println("SocketFaultsTest: " + faults + " faults simulated");
    }

    /** Runs hapc, checks exit 1, the kind, a fragment of the message and the time it took. */
    private static HapcRun failing(String kind, String fragment, long maxMillis, String... args) {
        long started = System.nanoTime();
        HapcRun run = HapcRun.run(args);
        long took = (System.nanoTime() - started) / 1_000_000;
        faults++;
        assertEquals(1, run.exit(), run.stdout());
        assertTrue(run.failed());
        assertEquals(kind, run.errorKind(), run.stdout());
        assertTrue(run.msg().toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
                "message should say " + fragment + ": " + run.msg());
        assertFalse(run.msg().contains("internal error"), run.msg());
        assertFalse(run.stderr().contains("\tat "), "no stack trace without --verbose: " + run.stderr());
        assertTrue(took <= maxMillis, "took " + took + " ms, more than " + maxMillis);
        return run;
    }

    @Test
    void aMissingSocketPath() {
        failing("socket", "no HAProxy socket at /nonexistent/admin.sock", 2000,
                "-k", "/nonexistent/admin.sock", "list-servers", "-b", "web");
    }

    @Test
    void aRegularFileInsteadOfASocket() throws IOException {
        Path file = Files.createTempFile("hapc-not-a-socket-", ".sock");
        try {
            failing("socket", "is not a socket", 2000, "-k", file.toString(), "drain-server", "-b", "web", "-s",
                    "web-1");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aDirectoryInsteadOfASocket() {
        failing("socket", "is not a socket", 2000, "-k", "/tmp", "list-servers", "-b", "web");
    }

    /** The file a dead HAProxy leaves behind: a socket inode that nobody listens on. */
    @Test
    void aStaleSocketNobodyListensOn() throws IOException {
        Path dir = Files.createTempDirectory("hapc-stale-");
        Path path = dir.resolve("admin.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
        }
        try {
            assertTrue(Files.exists(path), "closing a unix listener leaves its file behind");
            failing("socket", "stale", 2000, "-k", path.toString(), "stop-server", "-b", "web", "-s", "web-1");
        } finally {
            Files.delete(path);
            Files.delete(dir);
        }
    }

    @Test
    void aTcpPortNobodyListensOn() {
        failing("socket", "connection refused", 2000, "-k", "ipv4@127.0.0.1:" + Ports.free(), "list-servers", "-b",
                "web");
    }

    @Test
    void aSocketThatAcceptsAndNeverAnswersIsBoundedBySocketTimeout() {
        try (FakeHaproxySocket silent = FakeHaproxySocket.silent()) {
            long started = System.nanoTime();
            failing("timeout", "did not finish answering within 1 s", 3000, "-k", silent.path().toString(),
                    "--socket-timeout", "1", "drain-server", "-b", "web", "-s", "web-1");
            assertTrue((System.nanoTime() - started) / 1_000_000 >= 1000, "waited the whole second");
            assertEquals(1, silent.connections(), "never re-sent");
        }
    }

    @Test
    void aTcpSocketThatNeverAnswersIsBoundedToo() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    held.add(listener.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            failing("timeout", "within 0.5 s", 2500, "-k", "ipv4@127.0.0.1:" + listener.getLocalPort(),
                    "--socket-timeout", "0.5", "list-servers", "-b", "web");
        }
    }

    /** A peer that keeps talking, a byte now and then, never finishing: the deadline is for the whole exchange. */
    @Test
    void aSocketThatTricklesForeverIsBoundedBySocketTimeout() {
        try (FakeHaproxySocket trickling = FakeHaproxySocket.streaming(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "1\n".getBytes(StandardCharsets.UTF_8);
        })) {
            failing("timeout", "within 1 s while reading the answer", 3000, "-k", trickling.path().toString(),
                    "--socket-timeout", "1", "list-servers", "-b", "web");
        }
    }

    /** A peer that streams without end, fast: a bounded answer size, not an OutOfMemoryError. */
    @Test
    void aSocketThatStreamsWithoutEndIsRefusedBeforeMemoryRunsOut() {
        byte[] chunk = "web,web-1,2,0,\n".repeat(4096).getBytes(StandardCharsets.UTF_8);
        try (FakeHaproxySocket flood = FakeHaproxySocket.streaming(() -> chunk)) {
            failing("haproxy", "goes on past 128 MiB", 20_000, "-k", flood.path().toString(), "--socket-timeout",
                    "30", "list-servers", "-b", "web");
        }
    }

    /** The master CLI hanging must not hang a call that has a working admin socket. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aMasterSocketThatNeverAnswersIsBoundedToo(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        try (FakeHaproxySocket silent = FakeHaproxySocket.silent()) {
            failing("timeout", "did not finish answering", 3000, "-k", haproxy.adminSocket().toString(),
                    "--master-socket", silent.path().toString(), "--socket-timeout", "1", "list-connections", "-b",
                    "web", "-s", "web-1");
        }
    }

    @Test
    void aSocketThatHangsUpWithoutAWord() {
        try (FakeHaproxySocket mute = FakeHaproxySocket.answering("")) {
            failing("haproxy", "cut off after 0 of 3 commands", 2000, "-k", mute.path().toString(), "list-servers",
                    "-b", "web");
        }
    }

    /**
     * ONE real answer of HAProxy to list-servers, captured once, then served cut at EVERY byte
     * position of that same answer: not one prefix may be taken for a whole answer. (Asking
     * HAProxy again for each cut would cut a different answer each time: its length moves
     * with srv_time_since_last_change.) The whole answer, served the same way, is accepted.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @org.junit.jupiter.api.Timeout(180)
    void anAnswerCutOffAnywhereIsAnErrorNeverAShortList(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        java.util.concurrent.atomic.AtomicReference<byte[]> captured = new java.util.concurrent.atomic.AtomicReference<>();
        String command;
        HapcRun whole;
        try (FakeHaproxySocket recording = FakeHaproxySocket.forwarding(haproxy.adminSocket(), (n, real) -> {
            captured.set(real);
            return real;
        })) {
            whole = HapcRun.run("-k", recording.path().toString(), "list-servers", "-b", "web", "-d");
            assertEquals(0, whole.exit(), whole.stdout());
            assertEquals(1, recording.connections(), "list-servers asks in one connection");
            command = recording.lines().get(0);
        }
        byte[] answer = captured.get();
        assertTrue(answer.length > 500, "a real answer: " + answer.length + " bytes");
        java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeHaproxySocket cutting = new FakeHaproxySocket((n, line) -> Arrays.copyOf(answer, cut.get()))) {
            for (cut.set(0); cut.get() < answer.length; cut.incrementAndGet()) {
                HapcRun run = HapcRun.run("-k", cutting.path().toString(), "list-servers", "-b", "web", "-d");
                faults++;
                assertEquals(1, run.exit(), "cut at " + cut + " of " + answer.length + ": " + run.stdout());
                assertEquals("haproxy", run.errorKind(), "cut at " + cut + ": " + run.stdout());
                assertTrue(run.msg().contains("cut off"), "cut at " + cut + ": " + run.msg());
            }
            assertEquals(answer.length, cut.get(), "every position of the one answer was cut");
            HapcRun uncut = HapcRun.run("-k", cutting.path().toString(), "list-servers", "-b", "web", "-d");
            assertEquals(0, uncut.exit(), "the whole answer is accepted: " + uncut.stdout());
            assertEquals(whole.json().get("servers"), uncut.json().get("servers"));
            assertEquals(answer.length + 1, cutting.connections());
            assertTrue(cutting.lines().stream().allMatch(command::equals), "hapc asked the same thing every time");
        }
    }

    /**
     * The answer to the write itself is lost: HAProxy did drain the server (the fake forwarded
     * the line), so "failed" must not read as "nothing happened": the target's write is failed
     * (unknown), and the one read-back after it shows the drain (issue 21, case 1).
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aLostAnswerToAChangeSaysTheChangeMayHaveBeenApplied(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String before = RawSocket.serversState(haproxy.adminSocket());
        try (FakeHaproxySocket cutting = FakeHaproxySocket.forwarding(haproxy.adminSocket(),
                (n, real) -> n != 2 ? real : Arrays.copyOf(real, real.length / 2))) {
            HapcRun run = failing("haproxy", "may have applied it", 3000, "-k", cutting.path().toString(),
                    "drain-server", "-b", "web", "-s", "web-2");
            assertTrue(run.msg().contains("set server web/web-2 state drain"), run.msg());
            assertEquals(3, cutting.connections(), "read, the one write (never re-sent), the read-back");
            assertEquals("failed", run.json().at("/targets/0/write").asText(), run.stdout());
            assertTrue(run.changed(), "the read-back shows the drain: " + run.stdout());
            assertEquals("drain", run.json().at("/after/admin_state").asText(), run.stdout());
            assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-2"), "the drain did happen");
        } finally {
            RawSocket.ask(haproxy.adminSocket(), "set server web/web-2 state ready");
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
        }
    }

    /** A write whose answer never comes: a timeout, with the same warning. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aChangeThatIsNeverAnsweredTimesOutWithTheSameWarning(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        try (FakeHaproxySocket hanging = FakeHaproxySocket.forwarding(haproxy.adminSocket(),
                (n, real) -> n == 1 ? real : null)) {
            failing("timeout", "may have applied it", 3000, "-k", hanging.path().toString(), "--socket-timeout", "1",
                    "stop-server", "-b", "web", "-s", "web-1");
            assertEquals(0x01, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1") & 0x01);
        } finally {
            RawSocket.ask(haproxy.adminSocket(), "set server web/web-1 state ready");
        }
    }

    /** HAProxy 1.7 and older: no 'set severity-output', an "Unknown command" usage text instead. */
    private static final String OLD_USAGE = """
            Unknown command. Please enter one of the following commands only :
              clear counters : clear max statistics counters (add 'all' for all counters)
              help           : this message
              prompt         : toggle interactive mode with prompt
              quit           : disconnect
              show info      : report information about the running process
              show stat      : report counters for each proxy and server
              disable server : disable a server for maintenance (use 'set server' instead)
            """;

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anOldHaproxyAnsweringUnknownCommandThenTheRest(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        try (FakeHaproxySocket old = FakeHaproxySocket.forwarding(haproxy.adminSocket(), (n, real) -> {
            // the real answers, with the first one (to set severity-output) replaced
            String text = new String(real, StandardCharsets.UTF_8);
            return (OLD_USAGE + "\n" + text.substring(text.indexOf('\n') + 1)).getBytes(StandardCharsets.UTF_8);
        })) {
            failing("unsupported", "HAProxy before 1.8 does not have the runtime command 'set severity-output", 2000, "-k",
                    old.path().toString(), "drain-server", "-b", "web", "-s", "web-1");
            assertEquals(1, old.connections(), "nothing after the first exchange: no write was tried");
        }
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "web", "web-1"));
    }

    @Test
    void anOldHaproxyThatHangsUpAfterUnknownCommand() {
        try (FakeHaproxySocket old = FakeHaproxySocket.answering(OLD_USAGE)) {
            failing("unsupported", "HAProxy before 1.8 does not have the runtime command", 2000, "-k", old.path().toString(), "enable-server", "-b", "web",
                    "-s", "web-1");
        }
    }

    /** Today's wording, for a command this HAProxy does not have. */
    @Test
    void aNewerWordingOfUnknownCommand() {
        try (FakeHaproxySocket newer = FakeHaproxySocket.answering(
                "[6]: Unknown command: 'set', but maybe one of the following ones is a better match:\n"
                        + "  help [<command>]  : list matching or all commands\n\n")) {
            failing("unsupported", "does not have the runtime command 'set severity-output", 2000, "-k", newer.path().toString(), "list-servers", "-b",
                    "web");
        }
    }

    @Test
    void anAnswerThatIsNotHaproxysIsAnErrorNotABug() {
        for (String nonsense : List.of("\n\n\n\n", "hello\n\nworld\n\n\n\n", "HTTP/1.1 400 Bad Request\r\n\r\n",
                "\n# a b c\nx y z\n\n# d\n1\n\n", "\n1\n# be_name srv_name srv_admin_state srv_op_state\nweb web-1 x 2\n\n"
                        + "# pxname,svname,type,scur,\nweb,web-1,2,a,\n\n")) {
            try (FakeHaproxySocket strange = FakeHaproxySocket.answering(nonsense)) {
                failing("haproxy", "", 2000, "-k", strange.path().toString(), "list-servers", "-b", "web", "-d");
            }
        }
    }
}
