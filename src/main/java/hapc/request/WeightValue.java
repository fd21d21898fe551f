package hapc.request;

import hapc.HapcException;
import java.util.regex.Pattern;

/**
 * A weight as asked for: absolute (0 to 256, HAProxy's own bounds) or a share of the weight
 * the config gave the server ("N%", 0 to 100). The range is checked here, once, for the
 * command line and JSON alike, so a bad value never reaches HAProxy.
 *
 * @param value   the number given
 * @param percent whether it is a share of the configured weight
 */
public record WeightValue(int value, boolean percent) {
    public static final int MAX = 256;
    /** Digits then %: no sign, no fraction (HAProxy's own parser would silently drop one). */
    private static final Pattern SHARE = Pattern.compile("([0-9]{1,9})%");

    /** From a typed request value: a whole number, or a string "N%". */
    static WeightValue of(Object raw) {
        if (raw instanceof Number number) {
            double d = number.doubleValue();
            if (d != Math.rint(d) || d < 0 || d > MAX) {
                throw invalid(raw);
            }
            return new WeightValue((int) d, false);
        }
        var share = SHARE.matcher(String.valueOf(raw));
        if (!share.matches() || Long.parseLong(share.group(1)) > 100) {
            throw invalid(raw);
        }
        return new WeightValue(Integer.parseInt(share.group(1)), true);
    }

    private static HapcException invalid(Object raw) {
        return HapcException.invalid("weight must be a whole number from 0 to " + MAX
                + " or a share of the configured weight from 0% to 100%, not " + Names.quoteForMessage(String.valueOf(raw)));
    }

    /**
     * The absolute weight for a server configured with {@code initialWeight}: a share is
     * computed as HAProxy's own {@code set weight B/S N%} does (integer arithmetic, rounded down).
     */
    public int of(int initialWeight) {
        return percent ? Math.min(MAX, initialWeight * value / 100) : value;
    }

    @Override
    public String toString() {
        return percent ? value + "%" : String.valueOf(value);
    }
}
