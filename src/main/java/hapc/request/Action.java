package hapc.request;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The actions of the contract, each with the request fields it accepts beyond the common
 * ones. The same table drives the command line and the JSON-in path, so the two cannot drift.
 */
public enum Action {
    LIST_BACKENDS("list-backends", Set.of(Field.LINKS), Set.of()),
    LIST_FRONTENDS("list-frontends", Set.of(), Set.of()),
    LIST_CONFIG_BACKENDS("list-config-backends", Set.of(Field.FRONTEND), Set.of()),
    LIST_SERVERS("list-servers", Set.of(Field.BACKEND, Field.DETAILS), Set.of(Field.BACKEND)),
    LIST_CONNECTIONS("list-connections", Set.of(Field.BACKEND, Field.SERVER), Set.of(Field.SERVER)),
    ENABLE_SERVER("enable-server", Set.of(Field.BACKEND, Field.SERVER, Field.WAIT, Field.TIMEOUT, Field.RAMP,
            Field.WEIGHT, Field.KEEP_AGENT, Field.OWNER, Field.FORCE), Set.of(Field.SERVER)),
    DRAIN_SERVER("drain-server", Set.of(Field.BACKEND, Field.SERVER, Field.WAIT, Field.TIMEOUT, Field.MIN_UP,
            Field.ON_TIMEOUT, Field.KEEP_AGENT, Field.CAPACITY_TIMEOUT, Field.OWNER, Field.REASON),
            Set.of(Field.SERVER)),
    STOP_SERVER("stop-server", Set.of(Field.BACKEND, Field.SERVER, Field.MIN_UP, Field.KEEP_AGENT,
            Field.CAPACITY_TIMEOUT, Field.OWNER, Field.REASON),
            Set.of(Field.SERVER)),
    SET_WEIGHT("set-weight", Set.of(Field.BACKEND, Field.SERVER, Field.WEIGHT, Field.MIN_UP, Field.CAPACITY_TIMEOUT),
            Set.of(Field.SERVER, Field.WEIGHT)),
    CHECK_SAFE_TO_REMOVE("check-safe-to-remove", Set.of(Field.BACKEND, Field.SERVER), Set.of(Field.SERVER)),
    RELOAD_HAPROXY("reload-haproxy", Set.of(Field.HAPROXY_BIN), Set.of());

    private final String cliName;
    private final Set<Field> specificFields;
    private final Set<Field> requiredFields;

    Action(String cliName, Set<Field> specificFields, Set<Field> requiredFields) {
        this.cliName = cliName;
        this.specificFields = specificFields;
        this.requiredFields = requiredFields;
    }

    public String cliName() {
        return cliName;
    }

    public boolean accepts(Field field) {
        return field.common() || specificFields.contains(field);
    }

    public Set<Field> requiredFields() {
        return requiredFields;
    }

    /** Whether the action can change HAProxy, and so reports {@code check_mode}. */
    public boolean mutates() {
        return this == ENABLE_SERVER || this == DRAIN_SERVER || this == STOP_SERVER || this == SET_WEIGHT
                || this == RELOAD_HAPROXY;
    }

    /**
     * Whether the action works on targets: servers named with -s, in one backend (-b) or in
     * every backend that has them, and answers with {@code targets}.
     */
    public boolean takesTargets() {
        return accepts(Field.SERVER);
    }

    public static Optional<Action> byName(String name) {
        return Arrays.stream(values()).filter(a -> a.cliName.equals(name)).findFirst();
    }
}
