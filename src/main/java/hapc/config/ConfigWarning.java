package hapc.config;

/**
 * A line hapc read but could not fully understand, or a part of the config it could not
 * evaluate. Never dropped silently: every one of them reaches the answer's {@code warnings}.
 */
public record ConfigWarning(Origin origin, String message) {
    @Override
    public String toString() {
        return origin + ": " + message;
    }
}
