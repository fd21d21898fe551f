package hapc.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HAProxy version as {@code haproxy -v} and {@code show proc} print it, compared the way
 * {@code version_atleast()} does: numeric components, missing ones count as zero, and a
 * {@code -devN} or {@code -rcN} build comes before its release. Anything after the numbers that
 * is not such a suffix (Debian's {@code -1+deb12u4}) is packaging and does not count.
 */
public record HaproxyVersion(String text, List<Integer> numbers, int stage, int stageNumber)
        implements Comparable<HaproxyVersion> {
    private static final Pattern SHAPE = Pattern.compile("^(\\d+(?:\\.\\d+)*)(?:-(dev|rc)(\\d*))?");
    private static final int DEV = 0;
    private static final int RC = 1;
    private static final int RELEASE = 2;

    /** The version, or null when the text does not start with one. */
    public static HaproxyVersion parse(String text) {
        Matcher m = SHAPE.matcher(text.strip());
        if (!m.find()) {
            return null;
        }
        List<Integer> numbers = new ArrayList<>();
        for (String part : m.group(1).split("\\.")) {
            try {
                numbers.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        int stage = m.group(2) == null ? RELEASE : m.group(2).equals("dev") ? DEV : RC;
        int stageNumber = m.group(3) == null || m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3));
        return new HaproxyVersion(text.strip(), List.copyOf(numbers), stage, stageNumber);
    }

    @Override
    public int compareTo(HaproxyVersion other) {
        int length = Math.max(numbers.size(), other.numbers.size());
        for (int i = 0; i < length; i++) {
            int a = i < numbers.size() ? numbers.get(i) : 0;
            int b = i < other.numbers.size() ? other.numbers.get(i) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        if (stage != other.stage) {
            return Integer.compare(stage, other.stage);
        }
        return Integer.compare(stageNumber, other.stageNumber);
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new HaproxyVersion(major + "." + minor, List.of(major, minor), RELEASE, 0)) >= 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
