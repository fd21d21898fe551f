package hapc.request;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every request field of the contract: its JSON name, its command-line spelling and its type.
 * Defined once here; the option parser, the JSON reader and the help text all read this table.
 */
public enum Field {
    BACKEND("backend", "b", "backend", Type.NAME, false, "backend (or listen section)"),
    SERVER("server", "s", "server", Type.NAME, false, "server"),
    DETAILS("details", "d", "details", Type.FLAG, false, "list-servers: state of each server"),
    LINKS("links", "l", "links", Type.FLAG, false, "list-backends: frontends routing to each backend"),
    WAIT("wait", "w", "wait", Type.FLAG, false, "drain-server: wait until the server has no sessions"),
    TIMEOUT("timeout", "t", "timeout", Type.SECONDS, false, "the drain wait's deadline in seconds (default 60)"),
    SOCKET("socket", "k", "socket", Type.PATH, true,
            "admin socket: unix path, ipv4@HOST:PORT or ipv6@[HOST]:PORT (default: from the config)"),
    CONFIG("config", "c", "config", Type.PATHS, true,
            "haproxy.cfg file or directory, may be repeated (default /etc/haproxy/haproxy.cfg)"),
    MASTER_SOCKET("master_socket", null, "master-socket", Type.PATH, true,
            "master CLI socket (default /run/haproxy-master.sock when present)"),
    SOCKET_TIMEOUT("socket_timeout", null, "socket-timeout", Type.SECONDS, true,
            "bound on one exchange with HAProxy in seconds (default 10)"),
    FRONTEND("frontend", "f", "frontend", Type.NAME, false,
            "list-config-backends: only the backends this frontend routes to"),
    HAPROXY_BIN("haproxy_bin", null, "haproxy-bin", Type.PATH, false,
            "reload-haproxy: HAProxy binary that validates the config (default haproxy on PATH)"),
    CHECK_MODE("check_mode", "C", "check", Type.FLAG, true, "check mode: report what would change, change nothing"),
    VERBOSE("verbose", "v", "verbose", Type.FLAG, true, "more detail on stderr");

    public enum Type { NAME, PATH, PATHS, FLAG, SECONDS }

    private final String jsonName;
    private final String shortOption;
    private final String longOption;
    private final Type type;
    private final boolean common;
    private final String help;

    Field(String jsonName, String shortOption, String longOption, Type type, boolean common, String help) {
        this.jsonName = jsonName;
        this.shortOption = shortOption;
        this.longOption = longOption;
        this.type = type;
        this.common = common;
        this.help = help;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The one-letter option, or null when the field only has a long one. */
    public String shortOption() {
        return shortOption;
    }

    public String longOption() {
        return longOption;
    }

    public Type type() {
        return type;
    }

    /** Accepted by every action. */
    public boolean common() {
        return common;
    }

    public String help() {
        return help;
    }

    public String optionLabel() {
        return (shortOption == null ? "" : "-" + shortOption + "/") + "--" + longOption;
    }

    public static Optional<Field> byJsonName(String name) {
        return Arrays.stream(values()).filter(f -> f.jsonName.equals(name)).findFirst();
    }
}
