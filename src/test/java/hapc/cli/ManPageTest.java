package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BoundedProcess;
import hapc.ErrorKind;
import hapc.request.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hapc(1) renders without a single warning from man and groff, at 80 columns, and describes
 * every action, option and error kind of this hapc. man-db and groff are installed by
 * scripts/install-deps; without them this test fails rather than skips.
 */
class ManPageTest {
    @TempDir
    static Path dir;
    private static Path page;
    private static String rendered;

    @BeforeAll
    static void render() throws Exception {
        page = dir.resolve("hapc.1");
        ManPage.main(new String[] {page.toString()});
        Result man = run(Map.of("MANWIDTH", "80"), "man", "--warnings", "-l", page.toString());
        assertEquals(0, man.exit, man.err);
        assertEquals("", man.err, "man --warnings complained");
        rendered = man.out;
    }

    @Test
    void groffFindsNothingToWarnAbout() throws Exception {
        Result groff = run(Map.of(), "groff", "-ww", "-man", "-z", page.toString());
        assertEquals(0, groff.exit);
        assertEquals("", groff.err);
    }

    @Test
    void everyActionOptionAndErrorKindIsOnThePage() {
        // A long synopsis (enable-server's) wraps at 80 columns: compare with the line breaks as spaces.
        for (Action action : Action.values()) {
            // a synopsis longer than the page is continued on the next line: compare words, not breaks
            assertTrue(rendered.replaceAll("\\s+", " ").contains(" " + Help.synopsis(action).replace("  ", " ") + " "),
                    action.cliName());
        }
        for (OptionSpec option : OptionSpec.all()) {
            assertTrue(rendered.contains("--" + option.longOption()), option.longOption());
        }
        for (ErrorKind kind : ErrorKind.values()) {
            assertTrue(rendered.contains(kind.jsonName()), kind.jsonName());
        }
        for (String section : List.of("SYNOPSIS", "ACTIONS", "OPTIONS", "JSON REQUESTS", "OUTPUT", "EXIT STATUS",
                "SOCKET SETUP", "FILES", "EXAMPLES")) {
            assertTrue(rendered.contains("\n" + section + "\n"), section);
        }
    }

    @Test
    void optionsAndFiltersCopyFromThePageAsTheyAre() {
        // groff would print typographic hyphens and quotes, which a shell and jq reject.
        assertTrue(rendered.contains("hapc check-safe-to-remove -b web -s web1 | jq -r '.reasons[]'"), rendered);
        assertTrue(rendered.contains("--socket-timeout"));
        assertTrue(!rendered.contains("\u2010") && !rendered.contains("\u2019") && !rendered.contains("\u2212"),
                "no hyphen, right quote or minus sign characters");
    }

    @Test
    void everyLineFitsEightyColumns() {
        rendered.lines().forEach(line -> assertTrue(line.length() <= 80, line.length() + ": " + line));
    }

    @Test
    void theBuildGeneratedThisVeryPage() throws IOException {
        // Maven runs ManPage after compiling; the page it wrote is the one the sources give now.
        Path built = Path.of("target", "man", "hapc.1");
        assertTrue(Files.exists(built), "the build did not generate " + built);
        assertEquals(ManPage.render(), Files.readString(built));
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        BoundedProcess done = BoundedProcess.run(builder, Duration.ofSeconds(30));
        return new Result(done.exit(), done.stdout(), done.stderr());
    }
}
