package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.request.Action;
import hapc.testing.CliRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hidden --complete helper: what it offers after each kind of word, with names read from
 * a real HAProxy through the same actions a person would run.
 */
class CompleterTest {
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();

    /** The class's HAProxy of this version, started on first use. */
    private static HaproxyProcess haproxy(String binary) {
        return LIVE.perVersion(binary, b -> LIVE.start(b, """
                frontend www
                    bind 127.0.0.1:%1$d
                    default_backend web
                backend web
                    server web1 127.0.0.1:%2$d
                    server web2 127.0.0.1:%2$d
                    server api-web 127.0.0.1:%2$d
                backend api
                    server api1 127.0.0.1:%2$d
                """.formatted(Ports.free(), LIVE.backend().port())));
    }

    /** What "hapc --complete -- WORDS" prints, as lines. */
    private static List<String> complete(String... words) {
        List<String> argv = new ArrayList<>(List.of("--complete", "--"));
        argv.addAll(Arrays.asList(words));
        CliRun run = CliRun.run(argv.toArray(String[]::new));
        assertEquals(0, run.exit(), "completion never fails");
        return run.stdout().lines().toList();
    }

    private static String socket(String binary) {
        return haproxy(binary).adminSocket().toString();
    }

    @Test
    void theFirstWordIsAnAction() {
        List<String> all = complete("");
        assertEquals("words", all.get(0));
        assertEquals(Arrays.stream(Action.values()).map(Action::cliName).toList(), all.subList(1, all.size()));
        assertEquals(List.of("words", "list-backends", "list-frontends", "list-config-backends", "list-servers",
                "list-connections"), complete("list-"));
    }

    @Test
    void optionsAreThoseOfTheActionAndNotYetGiven() {
        List<String> options = complete("drain-server", "-b", "web", "--");
        assertTrue(options.contains("--server") && options.contains("--wait") && options.contains("--timeout"),
                options.toString());
        assertTrue(!options.contains("--backend"), "already given: " + options);
        assertTrue(!options.contains("--details"), "list-servers only: " + options);
        // --config may be repeated, so it stays on offer.
        assertTrue(complete("list-frontends", "-c", "a.cfg", "--c").contains("--config"));
        assertEquals(List.of("words", "--wait"), complete("drain-server", "--w"));
    }

    @Test
    void optionValuesComeFromWhatTheOptionTakes() {
        assertEquals(List.of("words", "json", "text"), complete("-o", ""));
        assertEquals(List.of("words", "--output=text"), complete("--output=t"));
        assertEquals(List.of("files"), complete("-k", "/run/hap"));
        assertEquals(List.of("files"), complete("list-frontends", "--config", ""));
        assertEquals(List.of("words"), complete("drain-server", "-t", ""), "no guessing a number of seconds");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void backendNamesComeFromTheRunningHaproxy(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals(List.of("words", "web", "api"), complete("-k", socket(binary), "list-servers", "-b", ""));
        assertEquals(List.of("words", "api"), complete("list-servers", "-k", socket(binary), "--backend", "a"));
        assertEquals(List.of("words", "--backend=web"), complete("-k", socket(binary), "list-servers", "--backend=w"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void serverNamesAreThoseOfTheBackendTyped(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals(List.of("words", "web1", "web2", "api-web"),
                complete("-k", socket(binary), "drain-server", "-b", "web", "-s", ""));
        assertEquals(List.of("words", "api1"), complete("--socket=" + socket(binary), "drain-server", "--backend=api", "-s", ""));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withoutBackendServerNamesComeFromEveryBackendOnce(String binary) {
        assertEquals(List.of("words", "web1", "web2", "api-web", "api1"),
                complete("-k", socket(binary), "drain-server", "-s", ""));
        assertEquals(List.of("words", "api-web", "api1"), complete("-k", socket(binary), "list-connections", "-s", "api"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void severalServersKeepCompletingWithoutTheOnesGiven(String binary) {
        assertTrue(complete("-k", socket(binary), "drain-server", "-s", "web1", "--s").contains("--server"),
                "-s may be repeated");
        assertEquals(List.of("words", "web2", "api-web"),
                complete("-k", socket(binary), "drain-server", "-b", "web", "-s", "web1", "-s", ""));
        assertEquals(List.of("words", "web2"),
                complete("-k", socket(binary), "enable-server", "-s", "web1", "--server=api-web", "-s", "w"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void frontendNamesComeFromTheConfigTyped(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals(List.of("words", "www"),
                complete("-c", haproxy.config().toString(), "list-config-backends", "-f", ""));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theSocketIsFoundThroughTheConfigTypedLikeForAnyCall(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals(List.of("words", "web", "api"),
                complete("list-servers", "-c", haproxy.config().toString(), "-b", ""));
    }

    @Test
    void anUnreachableSocketCompletesNothingAndQuickly() {
        long started = System.nanoTime();
        assertEquals(List.of("words"), complete("-k", "/nonexistent/admin.sock", "list-servers", "-b", ""));
        assertTrue(System.nanoTime() - started < 3_000_000_000L, "a TAB must not hang");
    }
}
