package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hapc.testing.ShellRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * completion/hapc.bash in a real bash, calling a real hapc, against a real HAProxy. Each case
 * sets what bash sets before calling a completion function (COMP_LINE, COMP_POINT, and
 * COMP_WORDS split at blanks and at ':' and '=' as readline does) and reads COMPREPLY.
 */
class CompletionScriptTest {
    @RegisterExtension
    static final LiveHaproxies LIVE = LiveHaproxies.perClass();

    /** The class's HAProxy of this version, started on first use. */
    private static HaproxyProcess haproxy(String binary) {
        return LIVE.perVersion(binary, b -> LIVE.start(b, """
                backend web
                    server web1 127.0.0.1:%1$d
                    server web2 127.0.0.1:%1$d
                backend api
                    server api1 127.0.0.1:%1$d
                """.formatted(LIVE.backend().port())));
    }

    /**
     * COMPREPLY after completing at the end of the line.
     *
     * @param words COMP_WORDS as bash splits the line
     */
    private static List<String> tab(String line, String... words) {
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append(ShellRun.quote(word)).append(' ');
        }
        String script = "source " + ShellRun.quote(Path.of("completion/hapc.bash").toAbsolutePath().toString())
                + "\nCOMP_LINE=" + ShellRun.quote(line) + "; COMP_POINT=${#COMP_LINE}"
                + "\nCOMP_WORDS=(" + array + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))"
                + "\n_hapc; printf '%s\\n' \"${COMPREPLY[@]}\"";
        ShellRun run = ShellRun.shell(script);
        assertEquals(0, run.exit(), run.stderr());
        assertEquals("", run.stderr());
        return run.output().lines().filter(l -> !l.isEmpty()).toList();
    }

    private static String k(HaproxyProcess haproxy) {
        return "hapc -k " + haproxy.adminSocket() + " ";
    }

    @Test
    void completesActionsAndOptions() {
        assertEquals(List.of("drain-server"), tab("hapc dr", "hapc", "dr"));
        assertEquals(List.of("--details"), tab("hapc list-servers --de", "hapc", "list-servers", "--de"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void completesBackendAndServerNamesFromHaproxy(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String socket = haproxy.adminSocket().toString();
        assertEquals(List.of("web", "api"), tab(k(haproxy) + "list-servers -b ", "hapc", "-k", socket, "list-servers", "-b", ""));
        assertEquals(List.of("web1", "web2"),
                tab(k(haproxy) + "enable-server -b web -s w", "hapc", "-k", socket, "enable-server", "-b", "web", "-s", "w"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void severalServersAndServersOfEveryBackend(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String socket = haproxy.adminSocket().toString();
        assertEquals(List.of("web2"), tab(k(haproxy) + "drain-server -b web -s web1 -s ", "hapc", "-k", socket,
                "drain-server", "-b", "web", "-s", "web1", "-s", ""));
        // without -b, the names of every backend (the call then acts on each backend holding it)
        assertEquals(List.of("web1", "web2", "api1"), tab(k(haproxy) + "drain-server -s ", "hapc", "-k", socket,
                "drain-server", "-s", ""));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void completesAfterAnEqualsSignAsBashSplitsIt(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String socket = haproxy.adminSocket().toString();
        // bash replaces only the part after '=', so the candidates come without "--backend=".
        assertEquals(List.of("api"), tab(k(haproxy) + "list-servers --backend=a", "hapc", "-k", socket, "list-servers",
                "--backend", "=", "a"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void completesPathsForPathOptions(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String dir = haproxy.dir().toString();
        assertEquals(List.of(dir + "/admin.sock"), tab("hapc -k " + dir + "/adm", "hapc", "-k", dir + "/adm"));
    }
}
