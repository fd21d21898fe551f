package hapc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.time.Duration;

/**
 * hapc as a separate process started from a shell, for what an in-process run cannot show:
 * which streams are terminals, what bash completion does. A {@code hapc} command on the PATH
 * runs the classes under test (the test class path), so no packaged jar is needed.
 *
 * @param output what the command wrote on stdout (for a terminal run: the terminal's transcript)
 */
public record ShellRun(int exit, String output, String stderr) {
    private static Path binDir;

    /** A directory holding an executable {@code hapc} that runs the classes under test. */
    public static synchronized Path binDir() {
        if (binDir == null) {
            try {
                Path dir = Files.createTempDirectory("hapc-bin-");
                Path hapc = dir.resolve("hapc");
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                Files.writeString(hapc, "#!/bin/sh\nexec " + quote(java) + " -XX:TieredStopAtLevel=1 -cp "
                        + quote(System.getProperty("java.class.path")) + " hapc.Main \"$@\"\n");
                Files.setPosixFilePermissions(hapc, PosixFilePermissions.fromString("rwxr-xr-x"));
                binDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return binDir;
    }

    /** Runs a bash command line with that hapc first on the PATH; stdin, stdout and stderr are pipes. */
    public static ShellRun shell(String command) {
        return start(List.of("bash", "-c", command));
    }

    /**
     * Runs a bash command line on a pseudo-terminal (util-linux script): stdin, stdout and
     * stderr are the terminal unless the command redirects them. Returns the terminal's
     * transcript, line ends as the terminal got them (\r\n).
     */
    public static ShellRun onTerminal(String command) {
        return start(List.of("script", "-qefc", "bash -c " + quote(command), "/dev/null"));
    }

    private static ShellRun start(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("PATH", binDir() + ":" + System.getenv("PATH"));
        BoundedProcess done = BoundedProcess.run(builder, Duration.ofSeconds(60));
        return new ShellRun(done.exit(), done.stdout(), done.stderr());
    }

    /** The output as hapc's answer, checked like any other ({@link HapcRun#strict}). */
    public HapcRun answer() {
        return HapcRun.strict(exit, output, stderr);
    }

    /** Single-quotes a word for sh. */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
