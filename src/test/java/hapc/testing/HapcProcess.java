package hapc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * hapc as a real, separate JVM process: what config management runs. Started as
 * {@code java -cp CLASSPATH hapc.Main ARGS} with the launcher's JVM flags, so it works in the
 * test phase, before the jar is packaged. Optionally run as another user (through
 * {@code setpriv}), which needs root and a classpath that user can read. The answer is checked
 * by the same strict reader as an in-process run ({@link HapcRun#strict}).
 */
public record HapcProcess(int exit, JsonNode json, String stdout, String stderr, long millis) {
    /** The launcher's flags (bin/hapc): a short-lived CLI wants a fast start, not peak speed. */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData");

    /** The user and groups to run as; null for "as the test itself". */
    public record RunAs(String user, String group, List<Integer> supplementaryGroups) {
    }

    public static Process start(RunAs runAs, String classpath, String... args) {
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of("setpriv", "--reuid=" + runAs.user(), "--regid=" + runAs.group()));
            if (runAs.supplementaryGroups().isEmpty()) {
                command.add("--clear-groups");
            } else {
                command.add("--groups=" + String.join(",", runAs.supplementaryGroups().stream().map(String::valueOf)
                        .toList()));
            }
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classpath, "hapc.Main"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts hapc as this user with the test's own classpath. */
    public static Process start(String... args) {
        return start(null, classpath(), args);
    }

    /** Waits for a started hapc (bounded: killed at the limit), reads its answer and checks its shape. */
    public static HapcProcess finish(Process process, long startedNanos, Duration limit) {
        BoundedProcess done = BoundedProcess.finish(process, limit, "hapc");
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        HapcRun answer = HapcRun.strict(done.exit(), done.stdout(), done.stderr());
        return new HapcProcess(answer.exit(), answer.json(), answer.stdout(), answer.stderr(), millis);
    }

    public static HapcProcess run(String... args) {
        long started = System.nanoTime();
        return finish(start(args), started, Duration.ofSeconds(60));
    }

    public static HapcProcess runAs(RunAs runAs, String classpath, String... args) {
        long started = System.nanoTime();
        return finish(start(runAs, classpath, args), started, Duration.ofSeconds(60));
    }

    /**
     * The classpath of this test JVM (Surefire puts the real one in java.class.path): hapc's
     * classes and its dependencies. Test-only entries ride along harmlessly.
     */
    public static String classpath() {
        return System.getProperty("java.class.path");
    }

    /**
     * A copy of the classpath that any user can read (the Maven repository under /root is not
     * readable by others), in a fresh directory; delete it with {@link #deleteTree}.
     */
    public static Path worldReadableClasspath() {
        try {
            Path dir = Files.createTempDirectory("hapc-cp-");
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (String entry : classpath().split(File.pathSeparator)) {
                Path source = Path.of(entry);
                if (!Files.exists(source) || entry.contains("test-classes")) {
                    continue;
                }
                Path target = dir.resolve((i++) + "-" + source.getFileName());
                copyTree(source, target);
                entries.add(target.toString());
            }
            Files.writeString(dir.resolve("classpath"), String.join(File.pathSeparator, entries));
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Files.copy(p, target.resolve(source.relativize(p).toString()));
            }
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String msg() {
        return json.path("msg").asText();
    }

    public String errorKind() {
        return json.path("error").path("kind").asText(null);
    }

    public boolean changed() {
        return json.path("changed").asBoolean();
    }
}
