package hapc.config;

/**
 * A {@code use_backend} rule. A target with {@code %} in it is a log-format expression
 * ({@code be_%[req.hdr(host)]}) resolved per request: only the running HAProxy knows where it
 * leads, so it is reported as dynamic, never guessed.
 */
public record UseBackend(String target, boolean dynamic, Origin origin) {
    public static UseBackend of(String target, Origin origin) {
        return new UseBackend(target, target.indexOf('%') >= 0, origin);
    }
}
