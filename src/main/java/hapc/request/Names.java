package hapc.request;

import hapc.HapcException;
import java.util.regex.Pattern;

/**
 * The allow-list for proxy and server names. HAProxy itself accepts only these characters, so
 * anything else (`;`, newline, space, `/`) can only be an attempt to smuggle a second command
 * into the line sent to the admin socket.
 */
public final class Names {
    public static final int MAX_LENGTH = 255;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");

    private Names() {
    }

    public static boolean isValid(String name) {
        // ALLOWED by hand: 20,000 names checked for one probe of 10,000 backends
        return name != null && name.length() <= MAX_LENGTH && hasOnlyNameCharacters(name);
    }

    /** Not empty, and only the characters HAProxy accepts in a name (any length). */
    public static boolean hasOnlyNameCharacters(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Returns the name, or refuses it with a message naming the field and the problem. */
    public static String require(String field, String name) {
        if (isValid(name)) {
            return name;
        }
        String why;
        if (name == null || name.isEmpty()) {
            why = "is empty";
        } else if (name.length() > MAX_LENGTH) {
            why = "is longer than " + MAX_LENGTH + " characters";
        } else {
            why = "contains " + describe(firstIllegal(name))
                    + "; only letters, digits, '-', '_', '.' and ':' are allowed";
        }
        throw HapcException.invalid(field + " name " + quoteForMessage(name) + " " + why);
    }

    private static int firstIllegal(String name) {
        return name.codePoints().filter(c -> !ALLOWED.matcher(Character.toString(c)).matches()).findFirst().orElse('?');
    }

    private static String describe(int c) {
        return switch (c) {
            case ';' -> "';'";
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case ' ' -> "a space";
            case '\t' -> "a tab";
            case 0 -> "a NUL character";
            default -> c < 0x20 || c > 0x7e ? String.format("the character U+%04X", c) : "'" + Character.toString(c) + "'";
        };
    }

    /** A short, printable rendering of a rejected name: it may be huge or full of control bytes. */
    static String quoteForMessage(String name) {
        if (name == null) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder("\"");
        name.codePoints().limit(40).forEach(c -> {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        if (name.codePointCount(0, name.length()) > 40) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
