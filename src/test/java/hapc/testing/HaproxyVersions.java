package hapc.testing;

import hapc.host.HaproxyBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The matrix of HAProxy versions every test that starts HAProxy runs on: 2.2, built from Debian
 * 11's source package by {@code scripts/haproxy-build 2.2} (HAPC_HAPROXY_OLDER, else that
 * script's cache), Debian 12's 2.6 ({@code haproxy} on PATH, or HAPC_HAPROXY) and 3.0, built
 * from Debian 13's source package by {@code scripts/haproxy-build 3.0} (HAPC_HAPROXY_NEWER, else
 * the cache). A missing version is an error, not a shorter matrix: a test run that silently
 * skips 2.2 proves nothing about 2.2.
 */
public final class HaproxyVersions {
    // 2.2 says "HA-Proxy version 2.2.9-a947cc2", later versions "HAProxy version 2.6.12-1+deb12u4".
    private static final Pattern VERSION = Pattern.compile("HA-?Proxy version (\\d+\\.\\d+(?:\\.\\d+)?)");
    private static final Map<String, String> VERSIONS = new ConcurrentHashMap<>();

    /** One version of the matrix: where its binary comes from. */
    private record Slot(String majorMinor, String env, String how) {
    }

    private static final Slot OLDER = new Slot("2.2", "HAPC_HAPROXY_OLDER", "scripts/haproxy-build 2.2");
    private static final Slot DEBIAN = new Slot("2.6", "HAPC_HAPROXY", "apt-get install haproxy (Debian 12)");
    private static final Slot NEWER = new Slot("3.0", "HAPC_HAPROXY_NEWER", "scripts/haproxy-build 3.0");

    private HaproxyVersions() {
    }

    /** Debian's HAProxy (2.6). Prefer {@link #all()}: a test for this version only says so in its name. */
    public static String debian() {
        String override = System.getenv(DEBIAN.env());
        return override != null && !override.isBlank() ? override : "haproxy";
    }

    /** The older binary (2.2), or null when neither the environment nor the build cache has it. */
    public static String older() {
        return built(OLDER);
    }

    /** The newer binary (3.0), or null when neither the environment nor the build cache has it. */
    public static String newer() {
        return built(NEWER);
    }

    private static String built(Slot slot) {
        String path = System.getenv(slot.env());
        if (path != null && !path.isBlank()) {
            return Files.isExecutable(Path.of(path)) ? path : null;
        }
        // What scripts/haproxy-build builds, so a test run from an IDE or plain mvn finds it too:
        // the version's own directory (haproxy-3.0.11/haproxy), never just any build in the cache.
        String cacheHome = System.getenv("XDG_CACHE_HOME");
        Path cache = (cacheHome != null && !cacheHome.isBlank() ? Path.of(cacheHome)
                : Path.of(System.getProperty("user.home"), ".cache")).resolve("hapc-haproxy");
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("haproxy-" + slot.majorMinor() + "."))
                    .map(d -> d.resolve("haproxy")).filter(Files::isExecutable).map(Path::toString).sorted()
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Every binary of the matrix, oldest first; fails when one is missing or is not the version
     * its place in the matrix says.
     */
    public static List<String> binaries() {
        List<String> out = new ArrayList<>();
        for (Slot slot : List.of(OLDER, DEBIAN, NEWER)) {
            String binary = slot == DEBIAN ? debian() : built(slot);
            if (binary == null) {
                throw new IllegalStateException("HAProxy " + slot.majorMinor() + " of the test matrix is missing:"
                        + " build it with " + slot.how() + " (or point " + slot.env() + " at an HAProxy "
                        + slot.majorMinor() + " binary)");
            }
            if (!majorMinor(binary).equals(slot.majorMinor())) {
                throw new IllegalStateException(binary + " is HAProxy " + version(binary) + ", not the "
                        + slot.majorMinor() + " of the test matrix (" + slot.env() + ")");
            }
            out.add(binary);
        }
        return List.copyOf(out);
    }

    /**
     * Every binary of the matrix, named by its version ("HAProxy 2.6.12"), for
     * {@code @ParameterizedTest @MethodSource("hapc.testing.HaproxyVersions#all") void t(String binary)}:
     * the version lands in the test's display name, which is what the per-version count of a
     * run is made from ({@link VersionCount}).
     */
    public static List<Named<String>> all() {
        return binaries().stream().map(binary -> Named.of(label(binary), binary)).toList();
    }

    /**
     * Every case crossed with every version, the version first: for a parameterized test that
     * has its own arguments ({@code @ParameterizedTest(name = "{0}: {1}")}).
     */
    public static Stream<Arguments> crossed(Stream<Arguments> cases) {
        List<Arguments> list = cases.toList();
        List<Arguments> out = new ArrayList<>();
        for (Named<String> version : all()) {
            for (Arguments one : list) {
                Object[] args = one.get();
                Object[] withVersion = new Object[args.length + 1];
                withVersion[0] = version;
                System.arraycopy(args, 0, withVersion, 1, args.length);
                out.add(Arguments.of(withVersion));
            }
        }
        return out.stream();
    }

    /** "HAProxy 2.6.12": how a version appears in test names. */
    public static String label(String binary) {
        return "HAProxy " + version(binary);
    }

    /** The version the binary reports ({@code -v}), e.g. "3.0.11". */
    public static String version(String binary) {
        return VERSIONS.computeIfAbsent(binary, HaproxyVersions::ask);
    }

    /**
     * Skips the test on {@code majorMinor} and older, for what those versions do not have (e.g.
     * a configuration with {@code .if}, not in 2.2). Every such skip must be listed in
     * tests/skips.txt, or scripts/test fails.
     */
    public static void assumeNewerThan(String binary, String majorMinor, String what) {
        Assumptions.assumeTrue(compare(majorMinor(binary), majorMinor) > 0,
                what + ": not in HAProxy " + version(binary));
    }

    /**
     * Skips the test on a binary built without OpenSSL: the 2.2 of the matrix (2.2.9's TLS code
     * does not build against Debian 12's OpenSSL 3). Listed in tests/skips.txt like every skip.
     */
    public static void assumeTls(String binary, String what) {
        Assumptions.assumeTrue(HaproxyBinary.locate(binary).build().builtSslNumber() != null,
                what + " needs TLS; " + binary + " (HAProxy " + version(binary) + ") is built without OpenSSL");
    }

    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

    /** "2.6" of "2.6.12": the matrix's own granularity. */
    public static String majorMinor(String binary) {
        String[] parts = version(binary).split("\\.");
        return parts[0] + "." + parts[1];
    }

    private static String ask(String binary) {
        try {
            Process process = new ProcessBuilder(binary, "-v").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " -v did not answer within 10 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(binary + " -v does not say its version: " + out);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
