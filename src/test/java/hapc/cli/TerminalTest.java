package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.ShellRun;
import org.junit.jupiter.api.Test;

/**
 * Pretty JSON exactly when stdout is a terminal, whatever stdin and stderr are: checked with
 * hapc started on a real pseudo-terminal, the streams redirected by a real shell.
 */
class TerminalTest {
    /** An answer that needs no HAProxy: list-servers without -b is an invalid request. */
    private static final String ANSWER = "hapc list-servers";

    @Test
    void terminalDevicesAreTheTtysAndPtys() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/0"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertTrue(Terminal.isTerminalDevice("/dev/ttyS0"));
        assertTrue(Terminal.isTerminalDevice("/dev/console"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"), "a character device, but nobody reads it");
        assertFalse(Terminal.isTerminalDevice("pipe:[12345]"));
        assertFalse(Terminal.isTerminalDevice("socket:[12345]"));
        assertFalse(Terminal.isTerminalDevice("/tmp/out.json"));
        assertFalse(Terminal.isTerminalDevice("/dev/ptmx"));
    }

    @Test
    void jsonIsIndentedWhenStdoutIsATerminal() throws Exception {
        ShellRun run = ShellRun.onTerminal(ANSWER);
        String transcript = run.output().replace("\r\n", "\n");
        assertTrue(transcript.startsWith("{\n  \"action\": \"list-servers\",\n"), transcript);
        assertEquals("invalid_request", HapcRun.strictJson(transcript, run.stderr(), true).at("/error/kind").asText());
    }

    @Test
    void jsonIsIndentedWhenOnlyStdinIsRedirected() {
        // System.console() is null here (stdin is not a terminal): the person still reads stdout.
        String transcript = ShellRun.onTerminal(ANSWER + " < /dev/null").output().replace("\r\n", "\n");
        assertTrue(transcript.startsWith("{\n  \"action\""), transcript);
    }

    @Test
    void jsonIsOneLineWhenStdoutIsAPipeEvenWithStdinAndStderrOnATerminal() {
        String transcript = ShellRun.onTerminal(ANSWER + " | cat").output();
        assertEquals(1, transcript.strip().lines().count(), transcript);
        assertTrue(transcript.startsWith("{\"action\":\"list-servers\","), transcript);
    }

    @Test
    void jsonIsOneLineWithoutAnyTerminal() {
        ShellRun run = ShellRun.shell(ANSWER);
        assertEquals(2, run.exit());
        assertEquals(1, run.output().lines().count(), run.output());
        assertEquals("", run.stderr());
    }
}
