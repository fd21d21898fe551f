package hapc.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HAProxy binaries the tests run against: Debian's (2.6) from PATH, and the newer one (3.0)
 * whose path the test script passes in HAPC_HAPROXY_NEWER (built by shared/tools/haproxy-newer).
 */
public final class HaproxyVersions {
    private HaproxyVersions() {
    }

    public static String debian() {
        String override = System.getenv("HAPC_HAPROXY");
        return override != null && !override.isBlank() ? override : "haproxy";
    }

    /** The newer binary, or null when the environment did not provide one. */
    public static String newer() {
        String path = System.getenv("HAPC_HAPROXY_NEWER");
        return path != null && !path.isBlank() && Files.isExecutable(Path.of(path)) ? path : null;
    }

    /** Every binary available: what parameterized tests iterate over. */
    public static List<String> all() {
        List<String> all = new ArrayList<>();
        all.add(debian());
        if (newer() != null) {
            all.add(newer());
        } else if ("true".equals(System.getenv("HAPC_REQUIRE_NEWER"))) {
            throw new IllegalStateException("HAPC_REQUIRE_NEWER is set but HAPC_HAPROXY_NEWER is not an executable");
        }
        return all;
    }
}
