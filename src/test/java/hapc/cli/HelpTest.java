package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.request.Action;
import hapc.request.Field;
import hapc.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** --help, ACTION --help and --version: complete, accurate for each action, and 80 columns wide. */
class HelpTest {
    @Test
    void theOverviewNamesEveryActionAndEveryOption() {
        CliRun run = CliRun.run("--help");
        assertEquals(0, run.exit());
        for (Action action : Action.values()) {
            assertTrue(run.stdout().contains("\n  " + action.cliName()), action.cliName());
        }
        for (OptionSpec option : OptionSpec.all()) {
            assertTrue(run.stdout().contains(option.label()), option.label());
        }
        assertTrue(run.stdout().contains("\n  3  check-safe-to-remove answered \"not safe\"\n"), run.stdout());
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void anActionsHelpShowsItsOwnOptionsAndNoOtherActions(Action action) {
        CliRun run = CliRun.run(action.cliName(), "--help");
        assertEquals(0, run.exit());
        String help = run.stdout();
        // the usage line is wrapped at 80 columns
        assertTrue(help.replaceAll("\\s+", " ").startsWith("usage: hapc " + Help.synopsis(action) + " [OPTIONS] "),
                help);
        for (Field field : Field.values()) {
            String label = OptionSpec.of(field).label();
            if (!field.common()) {
                assertEquals(action.accepts(field), help.contains(label), label + " in the help of " + action);
            }
        }
        for (String answerField : AnswerFields.of(action)) {
            assertTrue(help.contains(answerField), answerField + " missing from the answer line of " + action);
        }
        assertEquals(action == Action.CHECK_SAFE_TO_REMOVE, help.contains("not safe"), help);
    }

    @Test
    void helpComesFirstWhateverElseIsOnTheLine() {
        // Asking for help about a request that would be invalid still helps, and changes nothing.
        CliRun run = CliRun.run("drain-server", "--help", "-b", "web");
        assertEquals(0, run.exit());
        assertTrue(run.stdout().startsWith("usage: hapc drain-server "), run.stdout());
        assertTrue(CliRun.run("no-such-action", "--help").stdout().startsWith("usage: hapc ACTION"));
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void everyLineFitsEightyColumns(Action action) {
        for (String help : new String[] {Help.overview(), Help.action(action)}) {
            help.lines().forEach(line -> assertTrue(line.length() <= 80, line.length() + ": " + line));
        }
    }

    @Test
    void versionIsThePomVersion() throws Exception {
        Matcher version = Pattern.compile("<artifactId>hapc</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(version.find());
        CliRun run = CliRun.run("--version");
        assertEquals(0, run.exit());
        assertEquals("hapc " + version.group(1) + "\n", run.stdout());
        assertFalse(run.stdout().contains("development"));
    }
}
