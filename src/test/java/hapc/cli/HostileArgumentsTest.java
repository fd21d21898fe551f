package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.HaproxyVersions;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line under hostile arguments, against a live HAProxy of every version: exit 2,
 * one JSON answer naming the problem, no stack trace, nothing sent (hapc's socket is a
 * {@link RecordingRelay} in front of HAProxy's, and it records not one connection), and
 * HAProxy's state as it was.
 */
class HostileArgumentsTest {
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();

    /** The class's HAProxy of one version and a relay in front of its admin socket. */
    record Live(HaproxyProcess haproxy, RecordingRelay relay) {
    }

    static Live live(String binary) {
        return LIVE.perVersion(binary, b -> {
            HaproxyProcess haproxy = LIVE.start(b, """
                    backend web
                        server web-1 127.0.0.1:%1$d
                        server web-2 127.0.0.1:%1$d
                    """.formatted(LIVE.backend().port()));
            return new Live(haproxy, LIVE.relay(haproxy.adminSocket()));
        });
    }

    /** Label, fragment the message must contain, then the arguments (after -v -k SOCKET). */
    static Stream<Arguments> argumentLists() {
        List<Arguments> cases = new ArrayList<>(List.of(
                of("no action", "no action given"),
                of("only options", "no action given", "-b", "web", "-s", "web-1"),
                of("unknown action", "unknown action 'drain'", "drain", "-b", "web", "-s", "web-1"),
                of("action in capitals", "unknown action", "DRAIN-SERVER", "-b", "web", "-s", "web-1"),
                of("two actions", "one action expected", "drain-server", "enable-server", "-b", "web", "-s", "web-1"),
                of("a stray word", "one action expected", "drain-server", "-b", "web", "-s", "web-1", "now"),
                of("unknown long option", "--force", "drain-server", "-b", "web", "-s", "web-1", "--force"),
                of("unknown short option", "-x", "drain-server", "-b", "web", "-s", "web-1", "-x"),
                of("abbreviated option", "--back", "drain-server", "--back", "web", "-s", "web-1"),
                of("missing value at the end", "missing argument for option: s", "drain-server", "-b", "web", "-s"),
                of("missing value before an option", "missing argument for option: s", "drain-server", "-s",
                        "-b", "web"),
                of("missing timeout value", "missing argument for option: t", "drain-server", "-b", "web", "-s",
                        "web-1", "-w", "-t"),
                of("missing --json-in value", "missing argument for option: json-in", "--json-in"),
                of("timeout not a number", "expects a number of seconds, not 'soon'", "drain-server", "-b", "web",
                        "-s", "web-1", "-w", "-t", "soon"),
                of("negative timeout", "expects a number of seconds, not '-5'", "drain-server", "-b", "web", "-s",
                        "web-1", "-w", "-t", "-5"),
                of("timeout with a unit", "not '10s'", "drain-server", "-b", "web", "-s", "web-1", "-w", "-t",
                        "10s"),
                of("timeout in exponent form", "not '1e3'", "drain-server", "-b", "web", "-s", "web-1", "-w", "-t",
                        "1e3"),
                of("timeout NaN", "not 'NaN'", "drain-server", "-b", "web", "-s", "web-1", "-w", "-t", "NaN"),
                of("timeout Infinity", "not 'Infinity'", "drain-server", "-b", "web", "-s", "web-1", "-w", "-t",
                        "Infinity"),
                of("timeout too large", "timeout must be a number of seconds", "drain-server", "-b", "web", "-s",
                        "web-1", "-w", "-t", "999999999"),
                of("timeout with many digits", "not '", "drain-server", "-b", "web", "-s", "web-1", "-w", "-t",
                        "99999999999999999999"),
                of("zero socket timeout", "socket_timeout must be a number of seconds above 0", "list-servers",
                        "-b", "web", "--socket-timeout", "0"),
                of("empty socket timeout", "not ''", "list-servers", "-b", "web", "--socket-timeout", ""),
                of("option of another action", "does not apply to enable-server", "enable-server", "-b", "web",
                        "-s", "web-1", "--on-timeout", "stop"),
                of("weight above 256", "from 0 to 256", "set-weight", "-b", "web", "-s", "web-1", "--weight", "300"),
                of("negative weight", "-1", "set-weight", "-b", "web", "-s", "web-1", "--weight", "-1"),
                of("fractional share", "not '50.5%'", "set-weight", "-b", "web", "-s", "web-1", "--weight", "50.5%"),
                of("weight not a number", "not 'abc'", "set-weight", "-b", "web", "-s", "web-1", "--weight", "abc"),
                of("share above 100%", "0% to 100%", "set-weight", "-b", "web", "-s", "web-1", "--weight", "101%"),
                of("weight without value", "weight", "set-weight", "-b", "web", "-s", "web-1", "--weight"),
                of("set-weight without weight", "set-weight needs --weight", "set-weight", "-b", "web", "-s", "web-1"),
                of("weight on drain-server", "does not apply to drain-server", "drain-server", "-s", "web-1",
                        "--weight", "5"),
                of("weight with ramp", "do not go together", "enable-server", "-s", "web-1", "--weight", "5",
                        "--ramp", "3"),
                of("zero ramp", "ramp must be a number of seconds above 0", "enable-server", "-s", "web-1", "--ramp",
                        "0"),
                of("ramp over an hour", "ramp must be at most 3600", "enable-server", "-s", "web-1", "--ramp",
                        "3601"),
                of("on-timeout without wait", "only applies with --wait", "drain-server", "-s", "web-1",
                        "--on-timeout", "stop"),
                of("on-timeout not a choice", "on_timeout must be one of fail, stop", "drain-server", "-s", "web-1",
                        "-w", "--on-timeout", "kill"),
                of("missing server", "drain-server needs -s/--server", "drain-server", "-b", "web"),
                of("min-up not a number", "--min-up expects a whole number, not 'two'", "stop-server", "-s", "web-1",
                        "--min-up", "two"),
                of("min-up on enable-server", "does not apply to enable-server", "enable-server", "-s", "web-1",
                        "--min-up", "1"),
                of("backend twice", "--backend given more than once", "drain-server", "-b", "web", "-b", "web",
                        "-s", "web-1"),
                of("a bad name among several servers", "server", "drain-server", "-b", "web", "-s", "web-1",
                        "--server", "web;2"),
                of("flag twice", "--wait given more than once", "drain-server", "-b", "web", "-s", "web-1", "-w",
                        "-w"),
                of("flags glued", "--check given more than once", "-CC", "drain-server", "-b", "web", "-s",
                        "web-1"),
                of("check twice", "--check given more than once", "-C", "--check", "drain-server", "-b", "web",
                        "-s", "web-1"),
                of("timeout twice", "--timeout given more than once", "drain-server", "-b", "web", "-s", "web-1",
                        "-w", "-t", "1", "-t", "2"),
                of("empty backend", "backend name \"\" is empty", "drain-server", "-b", "", "-s", "web-1"),
                of("empty server", "server name \"\" is empty", "drain-server", "-b", "web", "-s", ""),
                of("empty server with =", "server name \"\" is empty", "drain-server", "-b", "web", "--server="),
                of("empty socket path", "socket is an empty path", "list-servers", "-b", "web", "--master-socket",
                        "/x", "--socket", ""),
                of("empty config path", "config is an empty path", "list-servers", "-b", "web", "-c", ""),
                of("newline in a config path", "newline", "list-servers", "-b", "web", "-c", "/etc/a\nb"),
                of("json-in of an empty file with an action on the line", "empty", "--json-in", "/dev/null",
                        "frob")));
        for (String[] hostile : List.of(
                new String[] {"web-1; set server web/web-2 state maint", "';'"},
                new String[] {"web-1\nset server web/web-2 state maint", "newline"},
                new String[] {"web 1", "space"},
                new String[] {"web/web-1", "'/'"},
                new String[] {"web-1\0", "NUL"},
                new String[] {"wéb-1", "U+00E9"},
                new String[] {"w".repeat(256), "longer than 255"},
                new String[] {"w".repeat(1 << 20), "longer than 255"})) {
            cases.add(of("server " + abbreviated(hostile[0]), hostile[1], "stop-server", "-b", "web", "-s",
                    hostile[0]));
            cases.add(of("backend " + abbreviated(hostile[0]), hostile[1], "enable-server", "-s", "web-1", "-b",
                    hostile[0]));
        }
        return HaproxyVersions.crossed(cases.stream());
    }

    private static Arguments of(String label, String fragment, String... args) {
        return Arguments.of(label, fragment, args);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("argumentLists")
    void hostileArgumentsAreExit2NameTheProblemAndChangeNothing(String binary, String label, String fragment,
            String[] args) {
        Live live = live(binary);
        HaproxyProcess haproxy = live.haproxy();
        live.relay().clear();
        String before = RawSocket.serversState(haproxy.adminSocket());
        List<String> all = new ArrayList<>(List.of("-v"));
        if (!List.of(args).contains("--socket")) {
            all.addAll(List.of("-k", live.relay().path().toString()));
        }
        all.addAll(List.of(args));
        HapcRun run = HapcRun.run(all.toArray(new String[0]));

        assertEquals(2, run.exit(), run.stdout());
        assertTrue(run.failed(), run.stdout());
        assertFalse(run.changed(), run.stdout());
        assertTrue(List.of("usage", "invalid_request").contains(run.errorKind()), run.stdout());
        assertTrue(run.msg().toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
                "message should name the problem (" + fragment + "): " + abbreviated(run.msg()));
        assertTrue(run.msg().length() < 2000, "the message stays short: " + abbreviated(run.msg()));
        assertEquals("", run.stderr(), "no stack trace (and no trace of an exchange under -v)");
        assertEquals(List.of(), live.relay().connections(), "nothing sent to HAProxy");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), label);
    }

    /**
     * The other side of the proof: the same arguments made valid go through the same relay and
     * are recorded there, so an empty relay above means nothing was sent.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theValidCallThroughTheSameRelayIsSeenOnTheWire(String binary) {
        Live live = live(binary);
        live.relay().clear();
        HapcRun run = HapcRun.run("-k", live.relay().path().toString(), "stop-server", "-b", "web", "-s", "web-2",
                "--check");
        assertEquals(0, run.exit(), run.stdout());
        assertTrue(live.relay().readServersState(), live.relay().commands().toString());
        assertEquals(List.of(), live.relay().changes(), "check mode: only reads");
    }

    private static String abbreviated(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "...(" + text.length() + " chars)" : text;
    }
}
