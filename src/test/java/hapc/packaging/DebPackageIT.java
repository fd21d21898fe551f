package hapc.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.BoundedProcess;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/build-deb, run after Maven packaged the jar: the .deb has the right control
 * fields and files, installs with dpkg into a throwaway root, and what it installed works
 * there (the launcher finds its jar, answers from a real HAProxy, the man page renders, the
 * completion completes; postinst made the class-data archive), then removes cleanly, archive
 * included. Nothing is installed on the machine itself (the real apt-get install and purge is
 * packaging/test-install, run by scripts/test).
 */
class DebPackageIT {
    @TempDir
    static Path work;
    private static Path deb;
    private static String version;

    @BeforeAll
    static void build() throws Exception {
        Matcher pom = Pattern.compile("<artifactId>hapc</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(pom.find());
        version = pom.group(1).replace('-', '~');
        Result built = run(Map.of(), "packaging/build-deb", "--no-build", work.toString());
        assertEquals(0, built.exit, built.err);
        deb = Path.of(built.out.strip());
        assertEquals("hapc_" + version + "_all.deb", deb.getFileName().toString());
    }

    @Test
    void controlFieldsNameTheDebianJre() throws Exception {
        Map<String, String> fields = new TreeMap<>();
        for (String field : List.of("Package", "Version", "Architecture", "Depends", "Section")) {
            fields.put(field, run(Map.of(), "dpkg-deb", "-f", deb.toString(), field).out.strip());
        }
        assertEquals(Map.of("Package", "hapc", "Version", version, "Architecture", "all", "Section", "admin",
                "Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless"), fields);
    }

    @Test
    void lintianReportsNoErrorNorWarning() throws Exception {
        // The one tag it still finds is overridden in the package, with the reason
        // (usr/share/lintian/overrides/hapc: Jackson's Java 22 classes in a multi-release jar).
        Assumptions.assumeTrue(run(Map.of(), "sh", "-c", "command -v lintian").exit == 0,
                "no lintian here (scripts/install-deps installs it)");
        Result lint = run(Map.of(), "lintian", "--fail-on", "error,warning", deb.toString());
        assertEquals(0, lint.exit, lint.out + lint.err);
        assertEquals(List.of(), lint.out.lines().filter(l -> l.matches("^[EW]: .*")).toList());
    }

    @Test
    void theFilesAreWhereDebianExpectsThemOwnedByRoot() throws Exception {
        Map<String, String> modes = new TreeMap<>();
        for (String line : run(Map.of(), "dpkg-deb", "-c", deb.toString()).out.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            assertEquals("root/root", columns[1], line);
            modes.put(columns[columns.length - 1].replaceFirst("^\\./", "/"), columns[0]);
        }
        assertEquals("-rwxr-xr-x", modes.get("/usr/bin/hapc"));
        assertEquals("-rw-r--r--", modes.get("/usr/share/hapc/hapc.jar"));
        assertEquals("-rw-r--r--", modes.get("/usr/share/man/man1/hapc.1.gz"));
        assertEquals("-rw-r--r--", modes.get("/usr/share/bash-completion/completions/hapc"));
        assertEquals("-rw-r--r--", modes.get("/usr/share/doc/hapc/copyright"));
        try (Stream<Path> schemas = Files.list(Path.of("schemas"))) {
            schemas.forEach(schema -> assertEquals("-rw-r--r--",
                    modes.get("/usr/share/hapc/schemas/" + schema.getFileName()), schema.toString()));
        }
    }

    @Test
    void installedInAThrowawayRootItWorksAndRemovesCleanly() throws Exception {
        Path root = work.resolve("root");
        boolean dpkgInstall = "root".equals(System.getProperty("user.name"));
        if (dpkgInstall) {
            // dpkg proper: unpacking, its file database, then removal. Dependencies are the
            // host's business (the JRE is checked by the apt test below).
            Files.createDirectories(root.resolve("var/lib/dpkg/info"));
            Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
            Files.createFile(root.resolve("var/lib/dpkg/status"));
            // The maintainer scripts run outside the root (the root has no shell to chroot into),
            // writing under $DPKG_ROOT: the class-data archive lands in the root, not here.
            Result installed = run(Map.of(), "dpkg", "--root=" + root, "--force-depends",
                    "--force-script-chrootless", "-i", deb.toString());
            assertEquals(0, installed.exit, installed.err);
            assertTrue(run(Map.of(), "dpkg", "--root=" + root, "-s", "hapc").out.contains("Status: install ok installed"));
            assertTrue(Files.size(root.resolve("usr/share/hapc/hapc.jsa")) > 0, "postinst made no class-data archive");
        } else {
            assertEquals(0, run(Map.of(), "dpkg-deb", "-x", deb.toString(), root.toString()).exit);
        }
        Path hapc = root.resolve("usr/bin/hapc");

        // The launcher finds /usr/share/hapc/hapc.jar relative to itself, not target/.
        assertEquals("hapc " + version.replace('~', '-') + "\n", run(Map.of(), hapc.toString(), "--version").out);
        // The installed hapc against every HAProxy version of the matrix (one install: dpkg is the slow part).
        for (String binary : HaproxyVersions.binaries()) {
            try (BackendServer backend = new BackendServer();
                    HaproxyProcess haproxy = HaproxyProcess.start(binary,
                            "backend web\n    server web1 127.0.0.1:" + backend.port() + "\n")) {
                Result listed = run(Map.of(), hapc.toString(), "-k", haproxy.adminSocket().toString(), "list-servers", "-b", "web");
                assertEquals(0, listed.exit, listed.out);
                HapcRun.strict(listed.exit, listed.out, listed.err);
                assertTrue(listed.out.contains("\"servers\":[{\"name\":\"web1\""), listed.out);

                Result completed = run(Map.of("PATH", root.resolve("usr/bin") + ":" + System.getenv("PATH")), "bash", "-c",
                        "source " + root.resolve("usr/share/bash-completion/completions/hapc")
                                + "; COMP_LINE='hapc -k " + haproxy.adminSocket() + " list-servers -b w'"
                                + "; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(hapc -k " + haproxy.adminSocket()
                                + " list-servers -b w); COMP_CWORD=5; _hapc; echo \"${COMPREPLY[*]}\"");
                assertEquals("web\n", completed.out, completed.err);
            }
        }
        Result man = run(Map.of("MANWIDTH", "80"), "man", "--warnings", "-l",
                root.resolve("usr/share/man/man1/hapc.1.gz").toString());
        assertEquals("", man.err);
        assertTrue(man.out.contains("SOCKET SETUP"), man.out);

        if (dpkgInstall) {
            Result removed = run(Map.of(), "dpkg", "--root=" + root, "--force-script-chrootless", "-r", "hapc");
            assertEquals(0, removed.exit, removed.err);
            // Nothing left, the archive the scripts made included, and no "directory not empty".
            assertTrue(!removed.err.contains("not empty") && !removed.out.contains("not empty"), removed.out + removed.err);
            assertTrue(Files.notExists(root.resolve("usr/share/hapc")));
            List<Path> left = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(f -> !f.startsWith(root.resolve("var/lib/dpkg")))
                        .forEach(left::add);
            }
            assertEquals(List.of(), left);
        }
    }

    @Test
    void aptOnABareDebianWouldInstallItWithTheDefaultJre() throws Exception {
        // Simulated against an EMPTY package status: what apt-get install ./hapc_*.deb does on a
        // Debian 12 with nothing installed. Needs apt's package lists (apt-get update).
        Result policy = run(Map.of(), "apt-cache", "policy", "default-jre-headless");
        Assumptions.assumeTrue(policy.exit == 0 && policy.out.contains("Candidate: 2:"),
                "no apt package lists on this machine");
        Path empty = Files.createFile(work.resolve("empty-status"));
        Result plan = run(Map.of(), "apt-get", "install", "-s", "-o", "Dir::State::status=" + empty, deb.toString());
        assertEquals(0, plan.exit, plan.out + plan.err);
        assertTrue(plan.out.contains("\nInst default-jre-headless (2:1.17"), plan.out);
        assertTrue(plan.out.contains("\nInst hapc (" + version + " local-deb [all])"), plan.out);
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        BoundedProcess done = BoundedProcess.run(builder, Duration.ofSeconds(120));
        return new Result(done.exit(), done.stdout(), done.stderr());
    }
}
