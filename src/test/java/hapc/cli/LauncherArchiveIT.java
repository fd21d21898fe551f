package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hapc's choice of archive, run after Maven packaged the jar, in a copy of an installed tree
 * (bin/hapc + share/hapc/hapc.jar and the archives beside it):
 * - which archive it passes to which JVM (fake JDKs whose java prints its arguments): the AOT
 *   cache hapc.aot only to a JDK 24+ and only while it is dated like the jar, the CDS archive
 *   hapc.jsa otherwise; HAPC_JAVA before JAVA_HOME before java on PATH;
 * - with the real JVMs (Debian's 17, and Temurin 25 when installed), that a corrupt, truncated,
 *   foreign (the other JVM's) or stale archive never makes a call fail or change its answer
 *   (except JDK 17's own archive cut short, which JDK 17 cannot survive; see badArchives),
 *   and that a stale one is not used: a jar whose hapc.Main was replaced after the archives
 *   were made runs the new hapc.Main, not the archived one.
 */
class LauncherArchiveIT {
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Path JDK17 = Path.of(System.getProperty("java.home"));

    @TempDir
    static Path work;
    private static Path config;
    private static Result baseline;
    private static Result baselineJson;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void baseline() throws Exception {
        config = work.resolve("haproxy.cfg");
        Files.writeString(config, "global\n    stats socket /tmp/hapc-launcher-it.sock level admin\n"
                + "defaults\n    mode http\nbackend web\n    server web1 127.0.0.1:8001\n    server web2 127.0.0.1:8002\n");
        Path tree = tree("baseline");
        baseline = run(tree, Map.of(), "list-config-backends", "-c", config.toString());
        assertEquals(0, baseline.exit(), baseline.err());
        assertTrue(baseline.out().contains("\"web\""), baseline.out());
        baselineJson = runJson(tree, Map.of());
        assertEquals(0, baselineJson.exit(), baselineJson.err());
    }

    // ---- which archive goes to which JVM (fake JDKs) ----

    @Test
    void aJdk24OrNewerGetsTheAotCacheOnlyWhileItIsDatedLikeTheJar() throws Exception {
        Path tree = tree("select-25");
        Path jdk = fakeJdk(tree, "25.0.3");
        Path jar = tree.resolve("share/hapc/hapc.jar");
        Files.writeString(tree.resolve("share/hapc/hapc.aot"), "x");
        Files.writeString(tree.resolve("share/hapc/hapc.jsa"), "x");
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.aot"), Files.getLastModifiedTime(jar));
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.jsa"), later(jar, 10));

        List<String> args = fakeRun(tree, Map.of("HAPC_JAVA", jdk.resolve("bin/java").toString()));
        assertTrue(args.contains("-XX:AOTCache=" + tree.resolve("bin/../share/hapc/hapc.aot")), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), args.toString());

        // Made for another jar (dated otherwise, later or earlier): not passed; the CDS archive is.
        for (int seconds : new int[] {5, -5}) {
            Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.aot"), later(jar, seconds));
            args = fakeRun(tree, Map.of("HAPC_JAVA", jdk.resolve("bin/java").toString()));
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), args.toString());
            assertTrue(args.contains("-XX:SharedArchiveFile=" + tree.resolve("bin/../share/hapc/hapc.jsa")),
                    args.toString());
        }
    }

    @Test
    void jdk17GetsTheCdsArchiveNeverTheAotCache() throws Exception {
        Path tree = tree("select-17");
        Path jdk = fakeJdk(tree, "17.0.15");
        Path jar = tree.resolve("share/hapc/hapc.jar");
        Files.writeString(tree.resolve("share/hapc/hapc.aot"), "x");
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.aot"), Files.getLastModifiedTime(jar));
        List<String> args = fakeRun(tree, Map.of("JAVA_HOME", jdk.toString()));
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:AOTCache") || a.contains("aot")), args.toString());
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), "no hapc.jsa yet: " + args);

        Files.writeString(tree.resolve("share/hapc/hapc.jsa"), "x");
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.jsa"), later(jar, 10));
        args = fakeRun(tree, Map.of("JAVA_HOME", jdk.toString()));
        assertTrue(args.contains("-XX:SharedArchiveFile=" + tree.resolve("bin/../share/hapc/hapc.jsa")), args.toString());
        assertTrue(args.contains("-Xshare:auto"), args.toString());

        // Older than the jar: made for an earlier one, not passed.
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.jsa"), later(jar, -10));
        args = fakeRun(tree, Map.of("JAVA_HOME", jdk.toString()));
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), args.toString());
    }

    @Test
    void hapcJavaComesBeforeJavaHomeWhichComesBeforePath() throws Exception {
        Path tree = tree("precedence");
        Path jdk25 = fakeJdk(tree, "25.0.3");
        Path jdk17 = tree.resolve("jdk-17.0.15");
        Files.move(fakeJdk(tree, "17.0.15"), jdk17);
        Path jar = tree.resolve("share/hapc/hapc.jar");
        Files.writeString(tree.resolve("share/hapc/hapc.aot"), "x");
        Files.setLastModifiedTime(tree.resolve("share/hapc/hapc.aot"), Files.getLastModifiedTime(jar));
        String path = jdk17.resolve("bin") + ":" + System.getenv("PATH");

        assertFalse(fakeRun(tree, Map.of("PATH", path)).stream().anyMatch(a -> a.startsWith("-XX:AOTCache")),
                "java on PATH is the 17 one");
        assertTrue(fakeRun(tree, Map.of("PATH", path, "JAVA_HOME", jdk25.toString())).stream()
                .anyMatch(a -> a.startsWith("-XX:AOTCache")), "JAVA_HOME is the 25 one");
        assertFalse(fakeRun(tree, Map.of("PATH", path, "JAVA_HOME", jdk25.toString(),
                "HAPC_JAVA", jdk17.resolve("bin/java").toString())).stream().anyMatch(a -> a.startsWith("-XX:AOTCache")),
                "HAPC_JAVA is the 17 one");
        // A java outside any JDK directory: version unknown, treated like 17.
        Path bare = tree.resolve("elsewhere/java");
        Files.createDirectories(bare.getParent());
        Files.copy(jdk25.resolve("bin/java"), bare);
        assertFalse(fakeRun(tree, Map.of("HAPC_JAVA", bare.toString())).stream().anyMatch(a -> a.startsWith("-XX:AOTCache")));
    }

    @Test
    void aHapcJavaThatIsNoProgramIsAJsonUsageError() throws Exception {
        Path tree = tree("no-java");
        Result result = exec(Map.of("HAPC_JAVA", tree.resolve("no/such/java").toString(), "JAVA_HOME", ""),
                tree.resolve("bin/hapc").toString(), "--version");
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.out().contains("\"kind\":\"usage\"") && result.out().contains("HAPC_JAVA"), result.out());
    }

    // ---- the real JVMs: a bad archive never fails a call nor changes its answer ----

    @Test
    void corruptTruncatedOrForeignArchivesChangeNothingOnJdk17() throws Exception {
        badArchives(JDK17);
    }

    @Test
    void corruptTruncatedOrForeignArchivesChangeNothingOnJdk25() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 at " + JDK25);
        badArchives(JDK25);
    }

    private static void badArchives(Path jdk) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Map<String, byte[]> kinds = new HashMap<>();
        kinds.put("garbage", "not an archive\n".repeat(100).getBytes(StandardCharsets.UTF_8));
        kinds.put("empty", new byte[0]);
        for (String archive : List.of("hapc.jsa", "hapc.aot")) {
            Path real = target.resolve(archive);
            if (Files.isRegularFile(real)) {
                byte[] bytes = Files.readAllBytes(real);
                kinds.put("truncated " + archive, java.util.Arrays.copyOf(bytes, bytes.length / 3));
                kinds.put("whole " + archive + " (made for target/hapc.jar)", bytes);
            }
        }
        assertTrue(kinds.size() >= 4, "the build made no archive to damage: " + kinds.keySet());
        Map<String, String> env = Map.of("HAPC_JAVA", jdk.resolve("bin/java").toString());
        for (Map.Entry<String, byte[]> kind : kinds.entrySet()) {
            if (jdk.equals(JDK17) && kind.getKey().equals("truncated hapc.jsa")) {
                // JDK 17 itself dies (SIGBUS, also with -XX:+VerifySharedSpaces) mapping its own
                // archive cut short, and the launcher cannot see a file's size without a fork:
                // archives are written under another name and renamed when complete instead
                // (pom.xml, scripts/aot-cache). README, Performance, says so.
                continue;
            }
            Path tree = tree("bad-" + jdk.getFileName());
            Path jar = tree.resolve("share/hapc/hapc.jar");
            for (String name : List.of("hapc.jsa", "hapc.aot")) {
                Path archive = tree.resolve("share/hapc/" + name);
                Files.write(archive, kind.getValue());
                // Dated so that the launcher passes it on: the JVM itself must cope.
                Files.setLastModifiedTime(archive, name.equals("hapc.aot") ? Files.getLastModifiedTime(jar) : later(jar, 10));
            }
            Result listed = run(tree, env, "list-config-backends", "-c", config.toString());
            assertEquals(baseline, listed, jdk + ", " + kind.getKey() + " archives");
            assertEquals(baselineJson, runJson(tree, env), jdk + ", " + kind.getKey() + " archives, --json-in");
            delete(tree);
        }
    }

    @Test
    void archivesOfAReplacedJarAreNotUsedOnJdk17() throws Exception {
        replacedJar(JDK17, "hapc.jsa");
    }

    @Test
    void archivesOfAReplacedJarAreNotUsedOnJdk25() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 at " + JDK25);
        replacedJar(JDK25, "hapc.aot");
    }

    /**
     * Genuine archives made for the tree's jar, then the jar replaced by one whose hapc.Main
     * prints a marker, dated earlier than the archives (as a package upgrade leaves it): the
     * call must run the new hapc.Main.
     */
    private static void replacedJar(Path jdk, String archive) throws Exception {
        Path tree = tree("replaced-" + jdk.getFileName());
        Path jar = tree.resolve("share/hapc/hapc.jar");
        Map<String, String> env = Map.of("HAPC_JAVA", jdk.resolve("bin/java").toString());
        if (archive.equals("hapc.aot")) {
            Result made = exec(Map.of(), "scripts/aot-cache", jar.toString(), jdk.toString());
            assertEquals(0, made.exit(), made.err());
        } else {
            Result made = exec(Map.of(), jdk.resolve("bin/java").toString(),
                    "-XX:ArchiveClassesAtExit=" + tree.resolve("share/hapc/hapc.jsa"), "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-cp", jar.toString(), "hapc.cli.CdsTraining");
            assertEquals(0, made.exit(), made.err());
        }
        assertTrue(Files.size(tree.resolve("share/hapc/" + archive)) > 1_000_000, archive + " made");
        assertEquals(baseline, run(tree, env, "list-config-backends", "-c", config.toString()), "with a fresh " + archive);

        FileTime archiveTime = Files.getLastModifiedTime(tree.resolve("share/hapc/" + archive));
        replaceMain(jar, "{\"marker\":\"the replaced jar's own hapc.Main\"}");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(archiveTime.toMillis() - 60_000));
        Result replaced = run(tree, env, "list-config-backends", "-c", config.toString());
        assertEquals(new Result(0, "{\"marker\":\"the replaced jar's own hapc.Main\"}\n", ""), replaced,
                jdk + " ran the archived classes of the jar that was replaced");
        delete(tree);
    }

    // ---- helpers ----

    /** bin/hapc and a copy of the built jar, laid out as an installed tree (share/hapc/hapc.jar). */
    private static Path tree(String name) throws IOException {
        Path tree = Files.createTempDirectory(work, name);
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("share/hapc"));
        Files.copy(Path.of("bin/hapc"), tree.resolve("bin/hapc"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Path.of("target/hapc.jar"), tree.resolve("share/hapc/hapc.jar"));
        return tree;
    }

    /** A JDK directory whose java prints the arguments it gets, one a line. */
    private static Path fakeJdk(Path tree, String version) throws IOException {
        Path jdk = tree.resolve("jdk-" + version + "-" + System.nanoTime());
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    private static List<String> fakeRun(Path tree, Map<String, String> env) throws Exception {
        Map<String, String> clean = new HashMap<>(env);
        clean.putIfAbsent("JAVA_HOME", "");
        clean.putIfAbsent("HAPC_JAVA", "");
        Result result = exec(clean, tree.resolve("bin/hapc").toString(), "--version");
        assertEquals(0, result.exit(), result.err());
        return List.of(result.out().split("\n"));
    }

    private static FileTime later(Path file, int seconds) throws IOException {
        return FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + seconds * 1000L);
    }

    private static Result run(Path tree, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(tree.resolve("bin/hapc").toString());
        command.addAll(List.of(args));
        Map<String, String> clean = new HashMap<>(env);
        clean.putIfAbsent("JAVA_HOME", "");
        clean.putIfAbsent("HAPC_JAVA", "");
        return exec(clean, command.toArray(new String[0]));
    }

    private static Result runJson(Path tree, Map<String, String> env) throws Exception {
        Path request = work.resolve("request.json");
        Files.writeString(request, "{\"action\":\"list-config-backends\",\"config\":\"" + config + "\"}");
        return run(tree, env, "--json-in", request.toString());
    }

    private static Result exec(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> {
            try {
                err.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete("");
            }
        });
        reader.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 180 s: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), out, err.get(30, TimeUnit.SECONDS));
    }

    /** Rewrites the jar with hapc/Main.class replaced by one that prints {@code marker}. */
    private static void replaceMain(Path jar, String marker) throws Exception {
        Path src = Files.createTempDirectory(work, "main");
        Path source = src.resolve("hapc/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package hapc;\npublic final class Main {\n    public static void main(String[] args) {\n"
                + "        System.out.println(\"" + marker.replace("\"", "\\\"") + "\");\n    }\n}\n");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                src.toString(), source.toString()));
        byte[] main = Files.readAllBytes(src.resolve("hapc/Main.class"));
        Path replaced = jar.resolveSibling("replaced.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(replaced))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("hapc/Main.class")) {
                    out.write(main);
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        // A new file in the jar's place, as a package upgrade or a rebuild leaves it.
        Files.move(replaced, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void delete(Path tree) throws IOException {
        try (var files = Files.walk(tree)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
