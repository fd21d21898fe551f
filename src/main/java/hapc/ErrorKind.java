package hapc;

/** The fixed kinds of failure of the contract; the kind alone decides the exit status. */
public enum ErrorKind {
    USAGE("usage", 2),
    INVALID_REQUEST("invalid_request", 2),
    NOT_FOUND("not_found", 2),
    PERMISSION("permission", 1),
    SOCKET("socket", 1),
    TIMEOUT("timeout", 1),
    HAPROXY("haproxy", 1),
    CONFIG("config", 1),
    RELOAD("reload", 1),
    /** The capacity guard (--min-up) refused: too few servers would stay in rotation. */
    CAPACITY("capacity", 1),
    /** Someone else changed the server while hapc was working on it. */
    CONFLICT("conflict", 1),
    /** Ctrl-C (or SIGTERM) during a wait or a ramp: the answer says where the servers were left. */
    INTERRUPTED("interrupted", 1),
    /** The running HAProxy's version lacks a runtime command hapc needs for this request. */
    UNSUPPORTED("unsupported", 1);

    private final String jsonName;
    private final int exitStatus;

    ErrorKind(String jsonName, int exitStatus) {
        this.jsonName = jsonName;
        this.exitStatus = exitStatus;
    }

    public String jsonName() {
        return jsonName;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
