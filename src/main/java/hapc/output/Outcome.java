package hapc.output;

import hapc.HapcException;
import hapc.request.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of one call, in the order its fields are printed, with the exit status that goes
 * with it. Built by an action, printed by {@link JsonWriter} or {@link TextWriter}.
 */
public final class Outcome {
    public static final int OK = 0;
    public static final int NOT_SAFE = 3;

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private int exitStatus = OK;

    public Outcome(Action action) {
        fields.put("action", action == null ? null : action.cliName());
        fields.put("changed", false);
        fields.put("failed", false);
        fields.put("msg", "");
        if (action != null && action.mutates()) {
            fields.put("check_mode", false);
        }
    }

    public static Outcome failure(Action action, HapcException error) {
        Outcome outcome = new Outcome(action);
        error.partial().forEach(outcome::put);
        outcome.fields.put("failed", true);
        outcome.fields.put("msg", error.getMessage());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("kind", error.kind().jsonName());
        detail.put("message", error.getMessage());
        outcome.fields.put("error", detail);
        outcome.exitStatus = error.kind().exitStatus();
        return outcome;
    }

    public Outcome put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    public Outcome changed(boolean changed) {
        return put("changed", changed);
    }

    public Outcome msg(String msg) {
        return put("msg", msg);
    }

    public Outcome exitStatus(int status) {
        this.exitStatus = status;
        return this;
    }

    public Outcome warn(String warning) {
        warnings.add(warning);
        return this;
    }

    public List<String> warnings() {
        return warnings;
    }

    public int exitStatus() {
        return exitStatus;
    }

    public Object get(String name) {
        return fields.get(name);
    }

    /** The fields to print; warnings come last, and only when there are some. */
    public Map<String, Object> fields() {
        Map<String, Object> all = new LinkedHashMap<>(fields);
        if (!warnings.isEmpty()) {
            all.put("warnings", List.copyOf(warnings));
        }
        return all;
    }
}
