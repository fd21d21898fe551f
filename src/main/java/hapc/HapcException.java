package hapc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type of hapc: a kind from the contract and a sentence for a human. Anything
 * an action learnt before failing (the server drained before a wait expired, say) travels in
 * {@link #partial()} so the answer can still tell the whole truth.
 */
public final class HapcException extends RuntimeException {
    private final ErrorKind kind;
    private final Map<String, Object> partial;

    public HapcException(ErrorKind kind, String message) {
        this(kind, message, null, Map.of());
    }

    public HapcException(ErrorKind kind, String message, Throwable cause) {
        this(kind, message, cause, Map.of());
    }

    public HapcException(ErrorKind kind, String message, Throwable cause, Map<String, Object> partial) {
        super(message, cause);
        this.kind = kind;
        this.partial = new LinkedHashMap<>(partial);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Fields of the action's answer known at the time of failure (may be empty). */
    public Map<String, Object> partial() {
        return partial;
    }

    public static HapcException invalid(String message) {
        return new HapcException(ErrorKind.INVALID_REQUEST, message);
    }

    public static HapcException usage(String message) {
        return new HapcException(ErrorKind.USAGE, message);
    }

    public static HapcException notFound(String message) {
        return new HapcException(ErrorKind.NOT_FOUND, message);
    }
}
