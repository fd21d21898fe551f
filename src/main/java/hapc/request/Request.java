package hapc.request;

import hapc.HapcException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated request, whichever way it came in (command line or JSON). Every rule that
 * relates fields to each other or to the action is checked in {@link #of}, and only there.
 *
 * @param backend       the one backend named, or null: every backend holding the servers
 * @param servers       the servers named, each once, in the order given (empty when none)
 * @param minUp         the capacity guard's N, or null when not asked for
 * @param keepAgent     leave a running agent check alone instead of pausing (resuming) it
 * @param socket        admin socket as given, or null to discover it from the config
 * @param configs       haproxy.cfg files or directories, empty for the default
 * @param masterSocket  master CLI socket as given, or null for the default when present
 * @param weight        the weight asked for (set-weight, enable-server), or null
 * @param ramp          enable-server --ramp: how long the weight takes to climb, or null
 * @param stopOnTimeout drain-server --on-timeout stop: stop the servers still busy at the deadline
 * @param capacityTimeout how long to wait for the capacity guard to allow the change, or null: refuse at once
 * @param owner         the hold's owner (drain/stop record one, enable releases it), or null: no hold
 * @param reason        why the server is held out, or null
 * @param force         enable-server: release every hold
 * @param stateDir      where the lock and hold files live, as given, or null for the default
 */
public record Request(
        Action action,
        String backend,
        List<String> servers,
        boolean details,
        boolean links,
        boolean waitForSessions,
        Duration timeout,
        Integer minUp,
        boolean keepAgent,
        String socket,
        List<String> configs,
        String masterSocket,
        Duration socketTimeout,
        String frontend,
        String haproxyBin,
        boolean checkMode,
        boolean verbose,
        WeightValue weight,
        Duration ramp,
        boolean stopOnTimeout,
        Duration capacityTimeout,
        String owner,
        String reason,
        boolean force,
        String stateDir) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than any sane drain; keeps Duration arithmetic far from overflow. */
    private static final double MAX_SECONDS = 7 * 24 * 3600;
    /** An hour: a longer ramp is a schedule, not a return to rotation (and its plan stays small). */
    public static final double MAX_RAMP_SECONDS = 3600;
    /** More servers than any backend holds; keeps a count an int. */
    static final long MAX_COUNT = 1_000_000;

    /**
     * Builds a request from already-typed values (String, Boolean, Double, List of String).
     * Callers have checked JSON types; this checks presence, ranges, names and applicability.
     */
    public static Request of(Action action, Map<Field, Object> values) {
        for (Field field : values.keySet()) {
            if (!action.accepts(field)) {
                throw HapcException.invalid(field.optionLabel() + " (" + field.jsonName() + ") does not apply to "
                        + action.cliName());
            }
        }
        for (Field field : action.requiredFields()) {
            if (!values.containsKey(field)) {
                throw HapcException.invalid(action.cliName() + " needs " + field.optionLabel() + " ("
                        + field.jsonName() + ")");
            }
        }
        if (values.containsKey(Field.WEIGHT) && values.containsKey(Field.RAMP)) {
            throw HapcException.invalid("--weight and --ramp do not go together: the ramp ends at the configured"
                    + " weight; set another one with set-weight afterwards");
        }
        String onTimeout = choice(values, Field.ON_TIMEOUT);
        if (onTimeout != null && !flag(values, Field.WAIT)) {
            throw HapcException.invalid("--on-timeout (on_timeout) only applies with --wait (wait)");
        }
        if (values.containsKey(Field.CAPACITY_TIMEOUT) && !values.containsKey(Field.MIN_UP)) {
            throw HapcException.invalid("--capacity-timeout (capacity_timeout) only applies with --min-up (min_up)");
        }
        if (values.containsKey(Field.REASON) && !values.containsKey(Field.OWNER)) {
            throw HapcException.invalid("--reason (reason) only applies with --owner (owner): a hold needs an owner");
        }
        Duration ramp = seconds(values, Field.RAMP, null, false);
        if (ramp != null && ramp.toNanos() > MAX_RAMP_SECONDS * 1e9) {
            throw HapcException.invalid("ramp must be at most " + (long) MAX_RAMP_SECONDS + " seconds, not "
                    + values.get(Field.RAMP));
        }
        // The default deadline covers the wait for "up" (60 s) and then the ramp itself.
        Duration timeout = values.containsKey(Field.TIMEOUT) || ramp == null
                ? seconds(values, Field.TIMEOUT, DEFAULT_TIMEOUT, true) : DEFAULT_TIMEOUT.plus(ramp);
        return new Request(
                action,
                name(values, Field.BACKEND),
                names(values, Field.SERVER),
                flag(values, Field.DETAILS),
                flag(values, Field.LINKS),
                flag(values, Field.WAIT),
                timeout,
                count(values, Field.MIN_UP),
                flag(values, Field.KEEP_AGENT),
                path(values, Field.SOCKET),
                paths(values, Field.CONFIG),
                path(values, Field.MASTER_SOCKET),
                seconds(values, Field.SOCKET_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, false),
                name(values, Field.FRONTEND),
                path(values, Field.HAPROXY_BIN),
                flag(values, Field.CHECK_MODE),
                flag(values, Field.VERBOSE),
                values.containsKey(Field.WEIGHT) ? WeightValue.of(values.get(Field.WEIGHT)) : null,
                ramp,
                "stop".equals(onTimeout),
                seconds(values, Field.CAPACITY_TIMEOUT, null, true),
                text(values, Field.OWNER),
                text(values, Field.REASON),
                flag(values, Field.FORCE),
                path(values, Field.STATE_DIR));
    }

    /**
     * Whether the answer carries the 1.0 top-level fields of one target ({@code backend},
     * {@code server}, {@code before}, {@code after}, {@code diff}...): exactly when the request
     * names one backend and one server (contract 1.2). Decided from the request alone, never from
     * how many targets were found, so {@code -s web1} without {@code -b} answers in the same shape
     * the day web1 appears in a second backend.
     */
    public boolean namesOneTarget() {
        return backend != null && servers.size() == 1;
    }

    private static String choice(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        if (!field.choices().contains(value)) {
            throw HapcException.invalid(field.jsonName() + " must be one of " + String.join(", ", field.choices())
                    + ", not " + Names.quoteForMessage(String.valueOf(value)));
        }
        return (String) value;
    }

    private static String text(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        return value == null ? null : HoldText.require(field, (String) value);
    }

    private static String name(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        return value == null ? null : Names.require(field.jsonName(), (String) value);
    }

    /** One name or a list of names; a name given twice counts once. */
    private static List<String> names(Map<Field, Object> values, Field field) {
        Set<String> unique = new LinkedHashSet<>();
        oneOrMore(values, field).forEach(name -> unique.add(Names.require(field.jsonName(), name)));
        return List.copyOf(unique);
    }

    /** A field that takes one value or a non-empty list of them (JSON), or a repeated option. */
    @SuppressWarnings("unchecked")
    private static List<String> oneOrMore(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        if (value == null) {
            return List.of();
        }
        List<String> list = value instanceof String single ? List.of(single) : (List<String>) value;
        if (list.isEmpty()) {
            throw HapcException.invalid(field.jsonName() + " is an empty list");
        }
        return list;
    }

    private static Integer count(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        if (value == null) {
            return null;
        }
        long count = ((Number) value).longValue();
        if (count < 0 || count > MAX_COUNT) {
            throw HapcException.invalid(field.jsonName() + " must be a whole number from 0 to " + MAX_COUNT + ", not "
                    + value);
        }
        return (int) count;
    }

    private static boolean flag(Map<Field, Object> values, Field field) {
        return Boolean.TRUE.equals(values.get(field));
    }

    private static String path(Map<Field, Object> values, Field field) {
        Object value = values.get(field);
        return value == null ? null : checkPath(field, (String) value);
    }

    private static List<String> paths(Map<Field, Object> values, Field field) {
        List<String> list = oneOrMore(values, field);
        list.forEach(p -> checkPath(field, p));
        return List.copyOf(list);
    }

    static String checkPath(Field field, String path) {
        if (path.isEmpty()) {
            throw HapcException.invalid(field.jsonName() + " is an empty path");
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\n') >= 0) {
            throw HapcException.invalid(field.jsonName() + " path contains a NUL or newline character");
        }
        if (path.length() > 4096) {
            throw HapcException.invalid(field.jsonName() + " path is longer than 4096 characters");
        }
        return path;
    }

    private static Duration seconds(Map<Field, Object> values, Field field, Duration fallback, boolean zeroAllowed) {
        Object value = values.get(field);
        if (value == null) {
            return fallback;
        }
        double seconds = ((Number) value).doubleValue();
        if (!Double.isFinite(seconds) || seconds < 0 || (!zeroAllowed && seconds == 0) || seconds > MAX_SECONDS) {
            throw HapcException.invalid(field.jsonName() + " must be a number of seconds "
                    + (zeroAllowed ? "from 0" : "above 0") + " to " + (long) MAX_SECONDS + ", not " + value);
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
