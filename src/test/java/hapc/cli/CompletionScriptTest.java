package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hapc.testing.BackendServer;
import hapc.testing.ShellRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * completion/hapc.bash in a real bash, calling a real hapc, against a real HAProxy. Each case
 * sets what bash sets before calling a completion function (COMP_LINE, COMP_POINT, and
 * COMP_WORDS split at blanks and at ':' and '=' as readline does) and reads COMPREPLY.
 */
class CompletionScriptTest {
    private static final BackendServer BACKEND = new BackendServer();
    private static HaproxyProcess haproxy;

    @BeforeAll
    static void start() {
        haproxy = HaproxyProcess.start(HaproxyVersions.debian(), """
                backend web
                    server web1 127.0.0.1:%1$d
                    server web2 127.0.0.1:%1$d
                backend api
                    server api1 127.0.0.1:%1$d
                """.formatted(BACKEND.port()));
    }

    @AfterAll
    static void stop() {
        haproxy.close();
        BACKEND.close();
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

    private static String k() {
        return "hapc -k " + haproxy.adminSocket() + " ";
    }

    @Test
    void completesActionsAndOptions() {
        assertEquals(List.of("drain-server"), tab("hapc dr", "hapc", "dr"));
        assertEquals(List.of("--details"), tab("hapc list-servers --de", "hapc", "list-servers", "--de"));
    }

    @Test
    void completesBackendAndServerNamesFromHaproxy() {
        String socket = haproxy.adminSocket().toString();
        assertEquals(List.of("web", "api"), tab(k() + "list-servers -b ", "hapc", "-k", socket, "list-servers", "-b", ""));
        assertEquals(List.of("web1", "web2"),
                tab(k() + "enable-server -b web -s w", "hapc", "-k", socket, "enable-server", "-b", "web", "-s", "w"));
    }

    @Test
    void severalServersAndServersOfEveryBackend() {
        String socket = haproxy.adminSocket().toString();
        assertEquals(List.of("web2"), tab(k() + "drain-server -b web -s web1 -s ", "hapc", "-k", socket,
                "drain-server", "-b", "web", "-s", "web1", "-s", ""));
        // without -b, the names of every backend (the call then acts on each backend holding it)
        assertEquals(List.of("web1", "web2", "api1"), tab(k() + "drain-server -s ", "hapc", "-k", socket,
                "drain-server", "-s", ""));
    }

    @Test
    void completesAfterAnEqualsSignAsBashSplitsIt() {
        String socket = haproxy.adminSocket().toString();
        // bash replaces only the part after '=', so the candidates come without "--backend=".
        assertEquals(List.of("api"), tab(k() + "list-servers --backend=a", "hapc", "-k", socket, "list-servers",
                "--backend", "=", "a"));
    }

    @Test
    void completesPathsForPathOptions() {
        String dir = haproxy.dir().toString();
        assertEquals(List.of(dir + "/admin.sock"), tab("hapc -k " + dir + "/adm", "hapc", "-k", dir + "/adm"));
    }
}
