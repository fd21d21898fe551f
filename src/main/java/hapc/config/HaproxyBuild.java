package hapc.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code haproxy -vv} says about one HAProxy binary, as far as {@code .if} conditions
 * depend on it: its version, its build feature list ({@code feature()}), the OpenSSL it was
 * built with ({@code openssl_version_atleast/before()}) and the one it runs on
 * ({@code ssllib_name_startswith()}). Each part is null when the output did not contain it, and
 * a condition that needs a missing part is UNKNOWN, never guessed.
 *
 * @param version    the {@code HAProxy version} line, or null
 * @param features   the {@code Feature list} line (e.g. {@code +OPENSSL -QUIC}), or null
 * @param builtSsl   {@code OPENSSL_VERSION_TEXT} from {@code Built with OpenSSL version}, or null
 * @param runningSsl the library's own name from {@code Running on OpenSSL version}, or null
 */
public record HaproxyBuild(HaproxyVersion version, String features, String builtSsl, String runningSsl) {
    private static final String BUILT = "Built with OpenSSL version : ";
    private static final String RUNNING = "Running on OpenSSL version : ";
    private static final String FEATURES = "Feature list : ";
    /** -vv adds this to the running library's name when the two versions differ. */
    private static final String DIFFER = " (VERSIONS DIFFER!)";
    private static final Pattern OPENSSL_TEXT = Pattern.compile("^OpenSSL (\\d+)\\.(\\d+)\\.(\\d+)([a-z]?)(-\\S+)? ");

    /** Reads the output of {@code haproxy -vv} (or only {@code -v}: then the build facts are unknown). */
    public static HaproxyBuild parse(String output) {
        return parse(List.of(output.split("\n")));
    }

    public static HaproxyBuild parse(List<String> lines) {
        HaproxyVersion version = null;
        String features = null;
        String built = null;
        String running = null;
        for (String line : lines) {
            String stripped = line.strip();
            if (version == null && (stripped.startsWith("HAProxy version ") || stripped.startsWith("HA-Proxy version "))) {
                version = HaproxyVersion.parse(stripped.substring(stripped.indexOf("version ") + "version ".length()));
            } else if (stripped.startsWith(FEATURES)) {
                features = stripped.substring(FEATURES.length()).strip();
            } else if (stripped.startsWith(BUILT)) {
                built = stripped.substring(BUILT.length());
            } else if (stripped.startsWith(RUNNING)) {
                running = stripped.substring(RUNNING.length());
                if (running.endsWith(DIFFER)) {
                    running = running.substring(0, running.length() - DIFFER.length());
                }
            }
        }
        return new HaproxyBuild(version, features, built, running);
    }

    /**
     * {@code feature(NAME)} as HAProxy decides it: true when the list has {@code +NAME}, false
     * when it has {@code -NAME} or no such word at all (a sub-word like {@code CRE2} in
     * {@code +PCRE2} does not count). UNKNOWN when the feature list was not seen.
     */
    public Truth feature(String name) {
        if (features == null || name.isEmpty()) {
            return Truth.UNKNOWN;
        }
        for (String word : features.split(" +")) {
            if (word.length() == name.length() + 1 && word.endsWith(name)) {
                if (word.charAt(0) == '+') {
                    return Truth.TRUE;
                }
                if (word.charAt(0) == '-') {
                    return Truth.FALSE;
                }
            }
        }
        return Truth.FALSE;
    }

    /** Whether -vv showed the feature list at all (else the binary's build is not known). */
    public boolean knowsFeatures() {
        return features != null;
    }

    /**
     * The {@code OPENSSL_VERSION_NUMBER} HAProxy was compiled against, rebuilt from the version
     * text -vv prints, or null when it cannot be known from that text (BoringSSL, LibreSSL,
     * AWS-LC and other look-alikes print a text whose number is not the one compiled in).
     */
    public Long builtSslNumber() {
        if (builtSsl == null || builtSsl.contains("compatible")) {
            return null;
        }
        Matcher m = OPENSSL_TEXT.matcher(builtSsl + " ");
        if (!m.find()) {
            return null;
        }
        long major = Long.parseLong(m.group(1));
        long minor = Long.parseLong(m.group(2));
        long fix = Long.parseLong(m.group(3));
        boolean release = m.group(5) == null;
        if (major >= 3) {
            // OpenSSL 3 changed the layout to MNN00PPS (status 0 = pre-release, f = release).
            return (major << 28) | (minor << 20) | (fix << 4) | (release ? 0xf : 0);
        }
        if (!release) {
            return null;
        }
        long letter = m.group(4).isEmpty() ? 0 : m.group(4).charAt(0) - 'a' + 1;
        return (major << 28) | (minor << 20) | (fix << 12) | (letter << 4) | 0xf;
    }

    /**
     * A version argument read the way HAProxy's {@code openssl_version_parser()} reads it:
     * {@code MAJOR.MINOR.FIX} then a patch-letter suffix, or {@code -betaN}, or {@code -other}
     * (a development build); packed in the pre-3.0 layout MNNFFPPS whatever the library.
     * Null when HAProxy cannot read it (e.g. {@code 3.1}); HAProxy 2.6 and 3.0 crash on such a
     * condition instead of reporting it.
     */
    public static Long sslVersionArgument(String text) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d*)(.*)$").matcher(text);
        if (!m.matches()) {
            return null;
        }
        long major;
        long minor;
        long fix;
        try {
            major = Long.parseLong(m.group(1));
            minor = Long.parseLong(m.group(2));
            fix = m.group(3).isEmpty() ? 0 : Long.parseLong(m.group(3));
        } catch (NumberFormatException e) {
            return null;
        }
        if (major > 0xf || minor > 0xff || fix > 0xff) {
            return null;
        }
        String rest = m.group(4);
        long patch = 0;
        long status;
        if (rest.isEmpty()) {
            status = 0xf;
        } else if (rest.startsWith("-")) {
            status = 0;
            if (rest.startsWith("-beta")) {
                Matcher digits = Pattern.compile("^(\\d*)").matcher(rest.substring(5));
                digits.find();
                status = digits.group(1).isEmpty() ? 0 : Long.parseLong(digits.group(1));
                if (status > 14) {
                    return null;
                }
            }
        } else {
            patch = 1;
            for (char c : rest.toCharArray()) {
                patch += (c & ~0x20) - 'A';
            }
            status = 0xf;
        }
        long number = ((major & 0xf) << 28) | ((minor & 0xff) << 20) | ((fix & 0xff) << 12) | ((patch & 0xff) << 4)
                | status;
        return number == 0 ? null : number;
    }
}
