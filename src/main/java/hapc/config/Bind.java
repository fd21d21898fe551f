package hapc.config;

/** A {@code bind} line's address (as written, variables expanded), with its origin. */
public record Bind(String address, Origin origin) {
}
