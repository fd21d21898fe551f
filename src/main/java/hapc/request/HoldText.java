package hapc.request;

import hapc.HapcException;
import java.util.regex.Pattern;

/**
 * The rules for a hold's owner and reason: they are never sent to HAProxy, but they are stored,
 * shown to other callers and put in messages and logs. The owner is a short name in HAProxy's
 * own name alphabet (it names who holds a server, in messages and in the hold store); the
 * reason is one printable line of bounded length (no control characters that could forge a
 * second line or move a terminal's cursor).
 */
public final class HoldText {
    public static final int OWNER_MAX_LENGTH = 64;
    public static final int REASON_MAX_LENGTH = 200;
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.:-]+");

    private HoldText() {
    }

    /** The owner or reason, checked by the rule of its field. */
    public static String require(Field field, String text) {
        return field == Field.OWNER ? owner(text) : reason(field.jsonName(), text);
    }

    /** The description used in --help and the man page. */
    public static String describe(Field field) {
        return field == Field.OWNER
                ? "string of letters, digits, '-', '_', '.', ':', at most " + OWNER_MAX_LENGTH + " characters"
                : "string, printable, one line, at most " + REASON_MAX_LENGTH + " characters";
    }

    private static String owner(String text) {
        if (text == null || text.isEmpty()) {
            throw HapcException.invalid("owner is empty");
        }
        if (text.length() > OWNER_MAX_LENGTH) {
            throw HapcException.invalid("owner " + Names.quoteForMessage(text) + " is longer than "
                    + OWNER_MAX_LENGTH + " characters");
        }
        if (!OWNER.matcher(text).matches()) {
            throw HapcException.invalid("owner " + Names.quoteForMessage(text)
                    + " may contain only letters, digits, '-', '_', '.' and ':'");
        }
        return text;
    }

    private static String reason(String field, String text) {
        if (text == null || text.isBlank()) {
            throw HapcException.invalid(field + " is empty");
        }
        if (text.codePointCount(0, text.length()) > REASON_MAX_LENGTH) {
            throw HapcException.invalid(field + " is longer than " + REASON_MAX_LENGTH + " characters");
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
