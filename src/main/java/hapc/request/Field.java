package hapc.request;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every request field of the contract: its JSON name, its command-line spelling and its type.
 * Defined once here; the option parser, the JSON reader and the help text all read this table.
 */
public enum Field {
    BACKEND("backend", "b", "backend", Type.NAME, false, "backend (or listen section)"),
    SERVER("server", "s", "server", Type.NAMES, false,
            "server; repeat -s (JSON: a list) for several; without -b, in every backend that has it"),
    DETAILS("details", "d", "details", Type.FLAG, false, "list-servers: state of each server"),
    LINKS("links", "l", "links", Type.FLAG, false, "list-backends: frontends routing to each backend"),
    WAIT("wait", "w", "wait", Type.FLAG, false,
            "drain-server: wait until the server has no sessions; enable-server: wait until HAProxy says it is up"),
    TIMEOUT("timeout", "t", "timeout", Type.SECONDS, false,
            "deadline of --wait (and of --ramp) in seconds (default 60; with --ramp, 60 plus the ramp)"),
    MIN_UP("min_up", null, "min-up", Type.COUNT, false,
            "refuse when fewer than N servers of an affected backend would stay up and in rotation"),
    WEIGHT("weight", null, "weight", Type.WEIGHT, false,
            "set-weight, enable-server: the weight, 0 to 256, or N% (0% to 100%) of the configured weight"),
    RAMP("ramp", null, "ramp", Type.SECONDS, false,
            "enable-server: raise the weight in steps from a small share to the configured one over SECONDS"),
    ON_TIMEOUT("on_timeout", null, "on-timeout", Type.CHOICE, false,
            "drain-server --wait: at the deadline, fail (default) or stop the servers still busy and succeed"),
    KEEP_AGENT("keep_agent", null, "keep-agent", Type.FLAG, false,
            "leave a running agent check alone (by default drain and stop pause it, enable resumes it);"
                    + " the agent may then undo the state"),
    CAPACITY_TIMEOUT("capacity_timeout", null, "capacity-timeout", Type.SECONDS, false,
            "with --min-up: when the guard refuses, wait up to SECONDS for capacity (others coming back), then act"),
    OWNER("owner", null, "owner", Type.TEXT, false,
            "drain-server, stop-server: record a maintenance hold under this owner;"
                    + " enable-server: release this owner's hold (others' holds keep the server out)"),
    REASON("reason", null, "reason", Type.TEXT, false,
            "drain-server, stop-server with --owner: why the server is held out (shown to other callers)"),
    FORCE("force", null, "force", Type.FLAG, false,
            "enable-server: release every hold on the server (named in a warning) and enable it"),
    STATE_DIR("state_dir", null, "state-dir", Type.PATH, true,
            "where hapc keeps one lock file and one hold store per HAProxy (default $HAPC_STATE_DIR, else"
                    + " /var/lib/hapc when writable, else $XDG_STATE_HOME/hapc or ~/.local/state/hapc,"
                    + " else a private /tmp/hapc-USER). Writing calls"
                    + " take the lock, so hapc calls on this host that share the directory act one after another;"
                    + " it cannot cover a hapc on another host reaching a TCP admin socket"),
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
    HAPROXY_BIN("haproxy_bin", null, "haproxy-bin", Type.PATH, true,
            "HAProxy binary: its version and features decide the config's .if conditions, and reload-haproxy"
                    + " validates the config with it (default haproxy on PATH)"),
    CHECK_MODE("check_mode", "C", "check", Type.FLAG, true, "check mode: report what would change, change nothing"),
    VERBOSE("verbose", "v", "verbose", Type.FLAG, true, "more detail on stderr");

    /**
     * NAME one name; NAMES one or several (a repeated option, a JSON string or list); COUNT a
     * whole number from 0; WEIGHT a whole number or "N%" ({@link WeightValue}); CHOICE one of
     * {@link #choices()}; TEXT free printable text on one line ({@link HoldText}).
     */
    public enum Type { NAME, NAMES, PATH, PATHS, FLAG, SECONDS, COUNT, WEIGHT, CHOICE, TEXT }

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

    /** The only values a CHOICE field takes, the default first; empty for the other types. */
    public List<String> choices() {
        return this == ON_TIMEOUT ? List.of("fail", "stop") : List.of();
    }

    public String optionLabel() {
        return (shortOption == null ? "" : "-" + shortOption + "/") + "--" + longOption;
    }

    public static Optional<Field> byJsonName(String name) {
        return Arrays.stream(values()).filter(f -> f.jsonName.equals(name)).findFirst();
    }
}
