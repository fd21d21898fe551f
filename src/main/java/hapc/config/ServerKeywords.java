package hapc.config;

/**
 * What hapc reads of a {@code server} or {@code default-server} line's keywords: the flags that
 * decide whether the server takes traffic, and the intervals of its agent check (the time an
 * agent answering "ready" needs to undo a drain, which a reload's give-back waits out before it
 * verifies). A {@code default-server} line hands its values down to the server lines after it.
 *
 * @param agentInterMillis {@code agent-inter}, or null when not written
 * @param interMillis      {@code inter}, or null when not written
 */
public record ServerKeywords(boolean disabled, boolean backup, Long agentInterMillis, Long interMillis) {
    public static final ServerKeywords NONE = new ServerKeywords(false, false, null, null);
    /** HAProxy's {@code inter} when none is written, which the agent check also uses. */
    public static final long DEFAULT_INTER_MILLIS = 2_000;

    /** These values with the keywords of {@code line} from word {@code from} on applied. */
    public ServerKeywords with(Directive line, int from) {
        boolean disabled = this.disabled;
        boolean backup = this.backup;
        Long agentInter = agentInterMillis;
        Long inter = interMillis;
        for (int i = from; i < line.words().size(); i++) {
            String value = i + 1 < line.words().size() ? line.words().get(i + 1) : null;
            switch (line.words().get(i)) {
                case "disabled" -> disabled = true;
                case "enabled" -> disabled = false;
                case "backup" -> backup = true;
                case "no-backup" -> backup = false;
                case "agent-inter" -> agentInter = millis(value, agentInter);
                case "inter" -> inter = millis(value, inter);
                default -> {
                    // a keyword hapc does not report
                }
            }
        }
        return new ServerKeywords(disabled, backup, agentInter, inter);
    }

    /** The agent check's interval as HAProxy runs it: agent-inter, else inter, else its default. */
    public long agentIntervalMillis() {
        return agentInterMillis != null ? agentInterMillis : interMillis != null ? interMillis : DEFAULT_INTER_MILLIS;
    }

    /** HAProxy's time format: a number with an optional unit (us, ms, s, m, h, d), ms by default. */
    static Long millis(String text, Long otherwise) {
        if (text == null) {
            return otherwise;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(us|ms|s|m|h|d)?").matcher(text);
        if (!m.matches()) {
            return otherwise;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> Math.max(1, n / 1000);
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            case "d" -> n * 86_400_000;
            default -> n;
        };
    }
}
