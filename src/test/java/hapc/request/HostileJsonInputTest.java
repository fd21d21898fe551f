package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON-in path under hostile input, against a live HAProxy of every version: every bad
 * document is exit 2 with one JSON answer whose message names the problem, no stack trace,
 * nothing sent to HAProxy (hapc talks to it through {@link RecordingRelay}s, which record not
 * one connection) and HAProxy's state as it was.
 */
class HostileJsonInputTest {
    private static final String DRAIN = "{\"action\":\"drain-server\",\"backend\":\"web\",\"server\":\"web-1\"";
    private static final String WEIGHT = "{\"action\":\"set-weight\",\"backend\":\"web\",\"server\":\"web-1\",\"weight\":";
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();

    /** The class's HAProxy of one version, and relays in front of its admin socket and master CLI. */
    record Live(HaproxyProcess haproxy, RecordingRelay admin, RecordingRelay master) {
        /** -k and --master-socket through the relays, the relays emptied first. */
        List<String> sockets() {
            admin.clear();
            master.clear();
            return List.of("-k", admin.path().toString(), "--master-socket", master.path().toString());
        }

        void assertNothingSent() {
            assertEquals(List.of(), admin.connections(), "nothing sent to the admin socket");
            assertEquals(List.of(), master.connections(), "nothing sent to the master CLI");
        }
    }

    static Live live(String binary) {
        return LIVE.perVersion(binary, b -> {
            HaproxyProcess haproxy = LIVE.start(b, """
                    backend web
                        server web-1 127.0.0.1:%1$d
                        server web-2 127.0.0.1:%1$d
                    frontend fe
                        bind 127.0.0.1:%2$d
                        default_backend web
                    """.formatted(LIVE.backend().port(), Ports.free()));
            return new Live(haproxy, LIVE.relay(haproxy.adminSocket()), LIVE.relay(haproxy.masterSocket()));
        });
    }

    private static String[] args(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** Label, document, a fragment the message must contain (case-insensitive). */
    static Stream<Arguments> documents() {
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("not JSON", "drain web/web-1 please", "not one valid JSON document"),
                Arguments.of("empty input", "", "empty"),
                Arguments.of("only whitespace", " \n\t \n", "empty"),
                Arguments.of("truncated", DRAIN.substring(0, 40), "cut off"),
                Arguments.of("truncated after the last field", DRAIN, "cut off"),
                Arguments.of("two documents", DRAIN + "}" + DRAIN + "}", "exactly one JSON object"),
                Arguments.of("two documents on two lines", DRAIN + "}\n{\"action\":\"stop-server\"}",
                        "exactly one JSON object"),
                Arguments.of("trailing garbage", DRAIN + "} x", "not one valid JSON document"),
                Arguments.of("an array", "[" + DRAIN + "}]", "must be an object, not array"),
                Arguments.of("a string", "\"drain-server\"", "must be an object, not string"),
                Arguments.of("a number", "42", "must be an object, not number"),
                Arguments.of("null", "null", "must be an object"),
                Arguments.of("an empty object", "{}", "no \"action\""),
                Arguments.of("unknown action", "{\"action\":\"drain-all\",\"backend\":\"web\"}",
                        "unknown action \"drain-all\""),
                Arguments.of("action is a number", "{\"action\":7}", "\"action\" must be a string"),
                Arguments.of("action is null", "{\"action\":null}", "\"action\" must be a string"),
                Arguments.of("action in another case", "{\"action\":\"Drain-Server\",\"backend\":\"web\"}",
                        "unknown action"),
                Arguments.of("missing server", "{\"action\":\"drain-server\",\"backend\":\"web\"}", "server"),
                Arguments.of("empty server list", "{\"action\":\"stop-server\",\"server\":[]}", "server"),
                Arguments.of("server list with a bad name",
                        "{\"action\":\"stop-server\",\"server\":[\"web-1\",\"web;2\"]}", "server"),
                Arguments.of("server list of numbers", "{\"action\":\"stop-server\",\"server\":[1]}", "server"),
                Arguments.of("min_up negative", DRAIN + ",\"min_up\":-1}", "min_up"),
                Arguments.of("min_up fractional", DRAIN + ",\"min_up\":1.5}", "min_up"),
                Arguments.of("min_up on enable-server",
                        "{\"action\":\"enable-server\",\"server\":\"web-1\",\"min_up\":1}", "min_up"),
                Arguments.of("wait as a string", DRAIN + ",\"wait\":\"true\"}", "wait"),
                Arguments.of("wait as a number", DRAIN + ",\"wait\":1}", "wait"),
                Arguments.of("check_mode as a string", DRAIN + ",\"check_mode\":\"yes\"}", "check_mode"),
                Arguments.of("timeout as a string", DRAIN + ",\"wait\":true,\"timeout\":\"10\"}", "timeout"),
                Arguments.of("timeout as an object", DRAIN + ",\"wait\":true,\"timeout\":{\"s\":1}}", "timeout"),
                Arguments.of("backend as a number", "{\"action\":\"drain-server\",\"backend\":5,\"server\":\"web-1\"}",
                        "backend"),
                Arguments.of("server as a nested array",
                        "{\"action\":\"drain-server\",\"backend\":\"web\",\"server\":[[\"web-1\"]]}", "server"),
                Arguments.of("server as null", "{\"action\":\"drain-server\",\"backend\":\"web\",\"server\":null}",
                        "server"),
                Arguments.of("negative timeout", DRAIN + ",\"wait\":true,\"timeout\":-1}", "timeout"),
                Arguments.of("negative socket timeout", DRAIN + ",\"socket_timeout\":-5}", "socket_timeout"),
                Arguments.of("zero socket timeout", DRAIN + ",\"socket_timeout\":0}", "socket_timeout"),
                Arguments.of("huge timeout", DRAIN + ",\"wait\":true,\"timeout\":1e400}", "timeout"),
                // Beyond a double's range, in a field whose schema is an enum: once an internal error.
                Arguments.of("huge on_timeout", DRAIN + ",\"on_timeout\":1E+400}", "/on_timeout: the number 1E+400"),
                Arguments.of("enormous integer timeout",
                        DRAIN + ",\"wait\":true,\"timeout\":123456789012345678901234567890}", "timeout"),
                Arguments.of("NaN timeout", DRAIN + ",\"wait\":true,\"timeout\":NaN}", "not one valid JSON document"),
                Arguments.of("duplicate key", DRAIN + ",\"server\":\"web-2\"}", "duplicate field 'server'"),
                Arguments.of("duplicate action", "{\"action\":\"enable-server\"," + DRAIN.substring(1) + "}",
                        "duplicate field 'action'"),
                Arguments.of("unknown field", DRAIN + ",\"force\":true}", "force"),
                Arguments.of("field of another action", DRAIN.replace("drain-server", "enable-server")
                        + ",\"details\":true}", "details"),
                Arguments.of("weight above 256", WEIGHT + "300}", "weight"),
                Arguments.of("negative weight", WEIGHT + "-1}", "weight"),
                Arguments.of("fractional weight", WEIGHT + "50.5}", "weight"),
                Arguments.of("fractional share", WEIGHT + "\"50.5%\"}", "weight"),
                Arguments.of("weight not a number", WEIGHT + "\"abc\"}", "weight"),
                Arguments.of("share above 100%", WEIGHT + "\"101%\"}", "weight"),
                Arguments.of("weight as a boolean", WEIGHT + "true}", "weight"),
                Arguments.of("weight as a list", WEIGHT + "[50]}", "weight"),
                Arguments.of("set-weight without weight", "{\"action\":\"set-weight\",\"server\":\"web-1\"}",
                        "weight"),
                Arguments.of("weight on stop-server", "{\"action\":\"stop-server\",\"server\":\"web-1\","
                        + "\"weight\":5}", "weight"),
                Arguments.of("weight and ramp", "{\"action\":\"enable-server\",\"server\":\"web-1\","
                        + "\"weight\":5,\"ramp\":3}", "do not go together"),
                Arguments.of("ramp of zero", "{\"action\":\"enable-server\",\"server\":\"web-1\",\"ramp\":0}",
                        "ramp"),
                Arguments.of("ramp as a string", "{\"action\":\"enable-server\",\"server\":\"web-1\","
                        + "\"ramp\":\"3\"}", "ramp"),
                Arguments.of("on_timeout not a choice", DRAIN + ",\"wait\":true,\"on_timeout\":\"kill\"}",
                        "on_timeout"),
                Arguments.of("on_timeout without wait", DRAIN + ",\"on_timeout\":\"stop\"}", "on_timeout"),
                Arguments.of("comment", "/* hi */" + DRAIN + "}", "not one valid JSON document"),
                Arguments.of("single quotes", "{'action':'drain-server'}", "not one valid JSON document"),
                Arguments.of("100,000 levels of arrays", "[".repeat(100_000) + "]".repeat(100_000), "nested deeper than 32 levels"),
                Arguments.of("100,000 levels of objects",
                        "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000), "nested deeper than 32 levels"),
                Arguments.of("100,000 levels inside a field", DRAIN + ",\"wait\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}", "nested deeper than 32 levels"),
                Arguments.of("100,000 unclosed levels", "[".repeat(100_000), "nested deeper than 32 levels"),
                Arguments.of("1 MiB server name",
                        "{\"action\":\"drain-server\",\"backend\":\"web\",\"server\":\"" + "w".repeat(1 << 20) + "\"}",
                        "longer than 255"),
                Arguments.of("1 MiB unknown field name", DRAIN + ",\"" + "f".repeat(1 << 20) + "\":1}",
                        "field name is too long (1048576 characters)"),
                Arguments.of("1 MiB action", "{\"action\":\"" + "a".repeat(1 << 20) + "\"}", "unknown action"),
                Arguments.of("1 MiB config path", DRAIN + ",\"config\":\"/" + "s".repeat(1 << 20) + "\"}",
                        "config"),
                Arguments.of("escaped NUL in a name", "{\"action\":\"drain-server\",\"backend\":\"web\","
                        + "\"server\":\"web-1\\u0000\"}", "NUL"),
                Arguments.of("escaped NUL in a path", DRAIN + ",\"config\":\"/tmp/a\\u0000b\"}", "NUL"),
                Arguments.of("raw NUL byte", DRAIN.replace("web-1", "web-1\0") + "}", "not one valid JSON document"),
                Arguments.of("raw newline in a string", DRAIN.replace("web-1", "web\n1") + "}",
                        "not one valid JSON document"),
                Arguments.of("non-ASCII name", DRAIN.replace("web-1", "wéb-1") + "}", "U+00E9"),
                Arguments.of("non-ASCII look-alike name", DRAIN.replace("web-1", "web\u20111") + "}", "U+2011"),
                Arguments.of("emoji name", DRAIN.replace("web-1", "web-\uD83D\uDE00") + "}", "U+1F600"),
                Arguments.of("right-to-left override", DRAIN.replace("web-1", "web-1\u202E") + "}", "U+202E"),
                Arguments.of("BOM in front", "\uFEFF" + DRAIN + "}", "not one valid JSON document")));
        for (String[] hostile : List.of(
                new String[] {"web-1; set server web/web-2 state maint", "';'"},
                new String[] {"web-1\nset server web/web-2 state maint", "newline"},
                new String[] {"web-1\r", "carriage return"},
                new String[] {"web 1", "space"},
                new String[] {"web\t1", "tab"},
                new String[] {"web/web-1", "'/'"},
                new String[] {"../web-1", "'/'"},
                new String[] {"", "empty"},
                new String[] {"web-1$(reboot)", "'$'"},
                new String[] {"web-1`id`", "'`'"},
                new String[] {"@1 web-1", "'@'"})) {
            String json = "\"" + hostile[0].replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
            cases.add(Arguments.of("server " + json, "{\"action\":\"stop-server\",\"backend\":\"web\",\"server\":"
                    + json + "}", hostile[1]));
            cases.add(Arguments.of("backend " + json, "{\"action\":\"enable-server\",\"backend\":" + json
                    + ",\"server\":\"web-1\"}", hostile[1]));
        }
        return HaproxyVersions.crossed(cases.stream());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("documents")
    void aHostileDocumentIsExit2NamesTheProblemAndChangesNothing(String binary, String label, String document,
            String fragment) {
        Live live = live(binary);
        String before = RawSocket.serversState(live.haproxy().adminSocket());
        HapcRun run = HapcRun.runWithInput(document, args(live.sockets(), "--json-in", "-", "-v"));
        assertRefused(run, fragment);
        live.assertNothingSent();
        assertEquals(before, RawSocket.serversState(live.haproxy().adminSocket()), label);
    }

    /**
     * The other side of the proof: a valid document through the same relays is recorded there,
     * so an empty relay above means nothing was sent, not that nothing could have been seen.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aValidDocumentThroughTheSameRelaysIsSeenOnTheWire(String binary) {
        Live live = live(binary);
        HapcRun run = HapcRun.runWithInput(DRAIN + ",\"check_mode\":true}", args(live.sockets(), "--json-in", "-"));
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(live.admin().readServersState(), live.admin().commands().toString());
        assertEquals(List.of(), live.admin().changes(), "check mode: only reads");
    }

    /** Bytes that are not UTF-8 cannot go through a String: they come from a file. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void invalidUtf8IsRefused(String binary) throws IOException {
        Live live = live(binary);
        Path file = Files.createTempFile("hapc-request-", ".json");
        try {
            byte[] prefix = (DRAIN.replace("web-1", "web-")).getBytes(StandardCharsets.US_ASCII);
            byte[] bad = {(byte) 0xC3, (byte) 0x28, '"', '}'};
            byte[] document = new byte[prefix.length - 1 + bad.length];
            System.arraycopy(prefix, 0, document, 0, prefix.length - 1);
            System.arraycopy(bad, 0, document, prefix.length - 1, bad.length);
            Files.write(file, document);
            HapcRun run = HapcRun.run(args(live.sockets(), "--json-in", file.toString(), "-v"));
            assertRefused(run, "UTF-8");
            live.assertNothingSent();
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aDocumentLargerThanTheLimitIsRefusedWithoutReadingItAll(String binary) {
        Live live = live(binary);
        HapcRun run = HapcRun.run(args(live.sockets(), "--json-in", "/dev/zero", "-v"));
        assertRefused(run, "larger than 4 MiB");
        live.assertNothingSent();
    }

    @Test
    void anUnreadableRequestFileIsExit2() {
        assertRefused(HapcRun.run("--json-in", "/nonexistent/request.json"), "no such file");
        assertRefused(HapcRun.run("--json-in", "/tmp"), "cannot read");
    }

    @Test
    void theActionOrAFieldGivenBothWaysIsRefused() {
        HapcRun action = HapcRun.runWithInput(DRAIN + "}", "--json-in", "-", "drain-server");
        assertRefused(action, "both on the command line and in the JSON request");
        HapcRun field = HapcRun.runWithInput(DRAIN + ",\"check_mode\":true}", "--json-in", "-", "-C");
        assertRefused(field, "check_mode");
    }

    /** The request file is only read: its content and modification time stay as they were. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theRequestFileIsOnlyRead(String binary) throws IOException {
        HaproxyProcess haproxy = live(binary).haproxy();
        Path file = Files.createTempFile("hapc-request-", ".json");
        try {
            String document = DRAIN + ",\"check_mode\":true,\"socket\":\"" + haproxy.adminSocket() + "\"}";
            Files.writeString(file, document);
            FileTime old = FileTime.fromMillis(1_000_000_000_000L);
            Files.setLastModifiedTime(file, old);
            HapcRun run = HapcRun.run("--json-in", file.toString());
            assertEquals(0, run.exit(), run.stdout());
            assertEquals(document, Files.readString(file));
            assertEquals(old, Files.getLastModifiedTime(file));
        } finally {
            Files.delete(file);
        }
    }

    static void assertRefused(HapcRun run, String fragment) {
        assertEquals(2, run.exit(), run.stdout());
        assertTrue(run.failed(), run.stdout());
        assertFalse(run.changed(), run.stdout());
        assertTrue(List.of("invalid_request", "usage").contains(run.errorKind()), run.stdout());
        assertTrue(run.msg().toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
                "message should name the problem (" + fragment + "): " + abbreviated(run.msg()));
        assertTrue(run.msg().length() < 2000, "the message stays short: " + abbreviated(run.msg()));
        assertEquals("", run.stderr(), "no stack trace (and no trace of an exchange under -v)");
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
