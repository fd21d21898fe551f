package hapc.runtime;

import java.util.List;

/**
 * What became of a write: one command's, or one target's (all its commands, which travel on one
 * line). A write over several exchanges stops at the first that breaks, so the later ones are
 * never sent.
 */
public enum WriteFate {
    /** HAProxy answered and took it. */
    APPLIED("applied"),
    /** HAProxy answered with an error: not taken. */
    REFUSED("refused"),
    /** Its exchange broke after the line went out: HAProxy may or may not have taken it. */
    FAILED("failed"),
    /** Never sent: an earlier exchange broke. */
    NOT_ATTEMPTED("not_attempted"),
    /** Nothing to send (already where wanted), or check mode. */
    NONE("none");

    private final String jsonName;

    WriteFate(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /**
     * A target's fate from its commands': unknown beats refused beats unsent beats taken, so that
     * "applied" is said only when HAProxy took every command.
     */
    public static WriteFate of(List<WriteFate> commands) {
        for (WriteFate worst : List.of(FAILED, REFUSED, NOT_ATTEMPTED, APPLIED)) {
            if (commands.contains(worst)) {
                return worst;
            }
        }
        return NONE;
    }
}
