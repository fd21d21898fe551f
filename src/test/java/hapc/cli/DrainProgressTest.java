package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.CliRun;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.ShellRun;
import hapc.testing.TcpListen;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * drain-server --wait shows sessions left, time waited and the deadline on stderr when stderr
 * is a terminal, and nothing at all otherwise (a log file must not fill with rewrites). The
 * answer on stdout is the same either way.
 */
class DrainProgressTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    private HaproxyProcess haproxy;

    private void start(String binary) {
        TcpListen db = TcpListen.db(backend.port());
        haproxy = live.start(binary, db.section());
        db.holdSession(haproxy, "db1");
    }

    private CliRun drain(Terminal terminal) {
        return CliRun.run(terminal, "-k", haproxy.adminSocket().toString(), "--master-socket",
                haproxy.masterSocket().toString(), "drain-server", "-b", "db", "-s", "db1", "-w", "-t", "0.5");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void stderrOnATerminalShowsOneRewrittenLineThatEnds(String binary) {
        start(binary);
        CliRun run = drain(new Terminal(false, true));
        assertEquals(1, run.exit(), "the session outlives the deadline");
        String err = run.stderr();
        assertTrue(err.startsWith("\r\033[Khapc: draining db/db1: 1 session and 0 queued left, waited 0."), err);
        assertTrue(err.contains("of 0.5 s"), "the deadline is shown: " + err);
        assertTrue(err.split("\r\033\\[K").length > 3, "rewritten at every poll: " + err);
        // The line is ended, so the shell prompt (or the answer) does not land on it.
        assertTrue(err.endsWith(" s\n"), err);
        assertEquals(1, err.chars().filter(c -> c == '\n').count(), err);
        assertEquals("timeout", HapcRun.strict(run.exit(), run.stdout(), run.stderr()).errorKind(),
                "stdout stays one JSON line");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void stderrNotATerminalGetsNothingEvenWhenStdoutIsOne(String binary) {
        start(binary);
        CliRun run = drain(new Terminal(true, false));
        assertEquals(1, run.exit());
        assertEquals("", run.stderr());
        assertTrue(run.stdout().startsWith("{\n"), "stdout is the terminal, so pretty: " + run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void verboseTraceReplacesTheProgressLine(String binary) {
        start(binary);
        CliRun run = CliRun.run(new Terminal(false, true), "-v", "-k", haproxy.adminSocket().toString(),
                "drain-server", "-b", "db", "-s", "db1", "-w", "-t", "0.3");
        assertEquals(1, run.exit());
        assertTrue(run.stderr().startsWith("hapc: "), run.stderr());
        assertTrue(!run.stderr().contains("\r"), "no rewritten line inside the trace: " + run.stderr());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theRealProgramDecidesFromItsOwnStderr(String binary) {
        start(binary);
        String args = "hapc -k " + haproxy.adminSocket() + " drain-server -b db -s db1 -w -t 0.3";
        // stdout to a file, stderr on the terminal: progress shows in the terminal.
        ShellRun onTerminal = ShellRun.onTerminal(args + " > /dev/null");
        assertTrue(onTerminal.output().contains("hapc: draining db/db1: 1 session"), onTerminal.output());
        // stderr to a pipe: no progress, only the answer.
        ShellRun piped = ShellRun.shell(args);
        assertEquals(1, piped.exit());
        assertEquals("", piped.stderr());
        assertEquals("timeout", piped.answer().errorKind());
    }
}
