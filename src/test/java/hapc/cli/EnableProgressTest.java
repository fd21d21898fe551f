package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.CliRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * enable-server --wait and --ramp show where they are on stderr when stderr is a terminal (one
 * line, rewritten, ended before the answer), and nothing otherwise, like drain-server --wait.
 * On every version of the matrix: the "up" the line says comes from HAProxy's own status.
 */
class EnableProgressTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private HaproxyProcess drained(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d weight 10
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        return haproxy;
    }

    private static CliRun enable(HaproxyProcess haproxy, Terminal terminal) {
        return CliRun.run(terminal, haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--wait",
                "--ramp", "2"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aTerminalSeesTheWaitThenEveryStepOnOneRewrittenLine(String binary) {
        HaproxyProcess haproxy = drained(binary);
        CliRun run = enable(haproxy, new Terminal(false, true));
        assertEquals(0, run.exit(), run.stdout());
        String err = run.stderr();
        assertTrue(err.startsWith("\r\033[Khapc: waiting for web/app1 to be up: up, waited 0."), err);
        assertTrue(err.contains("\r\033[Khapc: ramping web/app1: step 1 of 2, weight 7, "), err);
        assertTrue(err.contains("\r\033[Khapc: ramping web/app1: step 2 of 2, weight 10, "), err);
        assertTrue(err.endsWith(" of 2 s\n"), err);
        assertEquals(1, err.chars().filter(c -> c == '\n').count(), err);
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "web", "app1")[0]);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void notATerminalGetsNothing(String binary) {
        HaproxyProcess haproxy = drained(binary);
        CliRun run = enable(haproxy, new Terminal(true, false));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals("", run.stderr());
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "web", "app1")[0]);
    }
}
