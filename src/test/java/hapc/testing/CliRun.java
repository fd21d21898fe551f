package hapc.testing;

import hapc.cli.Cli;
import hapc.cli.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * hapc's whole command line in-process, with its streams captured as text and no check of
 * their shape: for the answers meant for people (-o text, --help) and for stderr, where
 * {@link HapcRun} insists on one JSON object.
 */
public record CliRun(int exit, String stdout, String stderr) {

    public static CliRun run(String... args) {
        return run(Terminal.NONE, args);
    }

    /** @param terminal which streams hapc is told a person is watching */
    public static CliRun run(Terminal terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal).run(args);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
