package hapc.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hapc.config.HaproxyBuild;
import hapc.testing.HaproxyVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class HaproxyBinaryTest {
    /** Debian's PATH for a user that is not root has no /usr/sbin, where haproxy is. */
    @Test
    void haproxyIsFoundInSbinWhenPathHasNoSbin() {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "no /usr/sbin/haproxy on this host");
        String userPath = "/usr/local/bin:/usr/bin:/bin:/usr/games";
        assertEquals(List.of(), HaproxyBinary.onPath("haproxy", userPath, List.of()).stream().toList(),
                "the premise: not on that PATH");
        assertEquals("/usr/sbin/haproxy",
                HaproxyBinary.onPath("haproxy", userPath, HaproxyBinary.SBIN_DIRS).orElseThrow().path());
    }

    /** -vv of the real binaries, read the way the config reader uses it. */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theBuildOfEachBinaryIsReadFromItsVv(String binary) {
        HaproxyBuild build = HaproxyBinary.locate(binary).build();
        assertTrue(build.knowsFeatures(), "feature list read");
        if (HaproxyVersions.majorMinor(binary).equals("2.2")) {
            // scripts/haproxy-build 2.2 builds without OpenSSL (2.2.9 does not build against OpenSSL 3)
            assertTrue(build.builtSslNumber() == null, "no OpenSSL read: " + build.builtSsl());
        } else {
            assertTrue(build.builtSslNumber() != null, "OpenSSL version read: " + build.builtSsl());
        }
        String expected = HaproxyVersions.majorMinor(binary);
        assertEquals(expected, build.version().numbers().get(0) + "." + build.version().numbers().get(1));
    }
}
