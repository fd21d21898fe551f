package hapc.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy's answer to one command of a line. With {@code set severity-output number} in front,
 * an error starts with {@code [N]: } where N is a syslog severity (3 or less is an error); an
 * unknown command comes back as a notice, so it is recognised by its text as well.
 */
public record Answer(String command, String text) {
    private static final Pattern SEVERITY = Pattern.compile("^\\[(\\d)\\]: ?(.*)", Pattern.DOTALL);

    public boolean isError() {
        Matcher m = SEVERITY.matcher(text);
        if (m.lookingAt()) {
            return Integer.parseInt(m.group(1)) <= 3 || isUnknownCommand();
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
        Matcher m = SEVERITY.matcher(text);
        String body = m.lookingAt() ? m.group(2) : text;
        int newline = body.indexOf('\n');
        return (newline >= 0 ? body.substring(0, newline) : body).strip();
    }
}
