package hapc.config;

/**
 * The value of a {@code .if} condition. UNKNOWN is for what hapc cannot decide from where it
 * stands (a build feature, the version of a binary it does not know): it is reported, never
 * guessed silently.
 */
public enum Truth {
    TRUE, FALSE, UNKNOWN;

    public static Truth of(boolean value) {
        return value ? TRUE : FALSE;
    }

    public Truth not() {
        return this == UNKNOWN ? UNKNOWN : of(this == FALSE);
    }

    public Truth and(Truth other) {
        if (this == FALSE || other == FALSE) {
            return FALSE;
        }
        return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : TRUE;
    }

    public Truth or(Truth other) {
        if (this == TRUE || other == TRUE) {
            return TRUE;
        }
        return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : FALSE;
    }
}
