package hapc.request;

import hapc.HapcException;

/**
 * The rule for a hold's owner and reason: they are never sent to HAProxy, but they are stored,
 * shown to other callers and put in messages and logs, so one printable line of bounded length
 * (no control characters that could forge a second line or move a terminal's cursor).
 */
public final class HoldText {
    public static final int MAX_LENGTH = 256;

    private HoldText() {
    }

    public static String require(String field, String text) {
        if (text == null || text.isBlank()) {
            throw HapcException.invalid(field + " is empty");
        }
        if (text.codePointCount(0, text.length()) > MAX_LENGTH) {
            throw HapcException.invalid(field + " is longer than " + MAX_LENGTH + " characters");
        }
        int bad = text.codePoints().filter(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE
                || Character.getType(c) == Character.UNASSIGNED).findFirst().orElse(-1);
        if (bad >= 0) {
            throw HapcException.invalid(field + " " + Names.quoteForMessage(text) + " contains "
                    + (bad == '\n' ? "a newline" : String.format("the character U+%04X", bad))
                    + "; it must be printable text on one line");
        }
        return text;
    }
}
