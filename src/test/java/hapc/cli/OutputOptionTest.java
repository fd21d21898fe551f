package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.CliRun;
import hapc.testing.HapcRun;
import org.junit.jupiter.api.Test;

/**
 * -o json|text and --text choose how the answer is shown, never what it says: the exit status
 * is the same, and a bad choice is a usage error answered in JSON (the contract's default).
 */
class OutputOptionTest {
    @Test
    void jsonIsTheDefault() {
        HapcRun run = HapcRun.run("list-servers");
        assertEquals(2, run.exit());
        assertEquals("invalid_request", run.errorKind());
    }

    @Test
    void dashOTextAndDashDashTextGiveTheSameText() {
        CliRun longForm = CliRun.run("list-servers", "--text");
        CliRun shortForm = CliRun.run("-o", "text", "list-servers");
        assertEquals(longForm, shortForm);
        assertEquals(2, shortForm.exit(), "the exit status does not depend on the format");
        assertFalse(shortForm.stdout().startsWith("{"), shortForm.stdout());
        assertTrue(shortForm.stdout().startsWith("list-servers needs -b/--backend (backend)\nError: invalid_request\n"),
                shortForm.stdout());
    }

    @Test
    void dashOJsonSaysTheDefaultAloud() {
        HapcRun run = HapcRun.run("-o", "json", "list-servers");
        assertEquals("invalid_request", run.errorKind());
    }

    @Test
    void anUnknownFormatIsAUsageErrorInJson() {
        HapcRun run = HapcRun.run("-o", "yaml", "list-servers", "-b", "web");
        assertEquals(2, run.exit());
        assertEquals("usage", run.errorKind());
        assertTrue(run.msg().contains("json, text"), run.msg());
    }

    @Test
    void textAndDashOJsonContradictEachOther() {
        HapcRun run = HapcRun.run("--text", "-o", "json", "list-servers", "-b", "web");
        assertEquals("usage", run.errorKind());
    }

    @Test
    void theFormatIsNotARequestFieldSoJsonInRequestsCannotCarryIt() {
        HapcRun run = HapcRun.runWithInput("{\"action\":\"list-servers\",\"backend\":\"web\",\"output\":\"text\"}",
                "--json-in", "-");
        assertEquals("invalid_request", run.errorKind());
    }

    @Test
    void jsonInWithTextShowsText() {
        CliRun run = CliRun.run("--json-in", "/nonexistent/request.json", "-o", "text");
        assertFalse(run.stdout().startsWith("{"), run.stdout());
        assertTrue(run.stdout().contains("Error: "), run.stdout());
    }
}
