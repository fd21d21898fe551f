package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.CliRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.RawSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * enable-server --wait and --ramp show where they are on stderr when stderr is a terminal (one
 * line, rewritten, ended before the answer), and nothing otherwise, like drain-server --wait.
 */
class EnableProgressTest {
    private final BackendServer backend = new BackendServer();
    private HaproxyProcess haproxy;

    @BeforeEach
    void start() {
        haproxy = HaproxyProcess.start(HaproxyVersions.debian(), """
                backend web
                    server app1 127.0.0.1:%d weight 10
                """.formatted(backend.port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
    }

    @AfterEach
    void stop() {
        haproxy.close();
        backend.close();
    }

    private CliRun enable(Terminal terminal) {
        return CliRun.run(terminal, "-k", haproxy.adminSocket().toString(), "enable-server", "-b", "web", "-s",
                "app1", "--wait", "--ramp", "2");
    }

    @Test
    void aTerminalSeesTheWaitThenEveryStepOnOneRewrittenLine() {
        CliRun run = enable(new Terminal(false, true));
        assertEquals(0, run.exit(), run.stdout());
        String err = run.stderr();
        assertTrue(err.startsWith("\r\033[Khapc: waiting for web/app1 to be up: up, waited 0."), err);
        assertTrue(err.contains("\r\033[Khapc: ramping web/app1: step 1 of 2, weight 7, "), err);
        assertTrue(err.contains("\r\033[Khapc: ramping web/app1: step 2 of 2, weight 10, "), err);
        assertTrue(err.endsWith(" of 2 s\n"), err);
        assertEquals(1, err.chars().filter(c -> c == '\n').count(), err);
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "web", "app1")[0]);
    }

    @Test
    void notATerminalGetsNothing() {
        CliRun run = enable(new Terminal(true, false));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals("", run.stderr());
    }
}
