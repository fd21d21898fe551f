package hapc.runtime;

/**
 * HAProxy's answer to one command of a line. With {@code set severity-output number} in front,
 * an error starts with {@code [N]: } where N is a syslog severity (3 or less is an error); an
 * unknown command comes back as a notice, so it is recognised by its text as well.
 */
public record Answer(String command, String text) {
    public boolean isError() {
        int severity = severity();
        if (severity >= 0) {
            return severity <= 3 || isUnknownCommand();
        }
        return isUnknownCommand();
    }

    public boolean isUnknownCommand() {
        return message().startsWith("Unknown command");
    }

    public boolean isPermissionDenied() {
        return message().startsWith("Permission denied");
    }

    /** The text without its severity prefix, first line only for multi-line help dumps. */
    public String message() {
        String body = text;
        if (severity() >= 0) {
            body = text.length() > 4 && text.charAt(4) == ' ' ? text.substring(5) : text.substring(4);
        }
        int newline = body.indexOf('\n');
        return (newline >= 0 ? body.substring(0, newline) : body).strip();
    }

    /**
     * The N of a leading {@code [N]:} (one ASCII digit), or -1 without one. Read by hand, not with
     * a regular expression: the look-up of a server among 10,000 backends reads 10,000 "[3]: No
     * such server." answers, and three regular-expression matches each were ~20% of that call's
     * time in the interpreter (a JFR profile, bench/RESULTS.md).
     */
    private int severity() {
        if (text.length() < 4 || text.charAt(0) != '[' || text.charAt(2) != ']' || text.charAt(3) != ':') {
            return -1;
        }
        char digit = text.charAt(1);
        return digit >= '0' && digit <= '9' ? digit - '0' : -1;
    }
}
