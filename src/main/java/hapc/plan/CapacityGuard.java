package hapc.plan;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.OperationalState;
import hapc.model.Server;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * --min-up N: refuse the whole call, before anything is sent, when a backend it takes servers
 * out of would be left with fewer than N servers of capacity. Counted per backend from the
 * state read under the HAProxy's lock, so it includes what other callers did just before. A
 * server counts when it is admin ready, operationally up, weight above 0, and active (a backup
 * counts only in a backend with {@code option allbackups} read from haproxy.cfg: otherwise it
 * takes traffic one at a time, and only once every active server is down). A backend the call
 * takes nothing out of is not judged: re-running a drain that is already done is no outage.
 */
public final class CapacityGuard {
    private CapacityGuard() {
    }

    /** Whether {@link #check} would let the plan through: what a capacity wait polls for. */
    public static boolean allows(ChangePlan plan, int minUp, CapacityBasis basis) {
        try {
            check(plan, minUp, Map.of(), basis);
            return true;
        } catch (HapcException e) {
            return false;
        }
    }

    /** {@link #allows(ChangePlan, int, CapacityBasis)} from the live state only. */
    public static boolean allows(ChangePlan plan, int minUp) {
        return allows(plan, minUp, CapacityBasis.LIVE_ONLY);
    }

    /** {@link #check(ChangePlan, int, Map, CapacityBasis)} from the live state only. */
    public static List<Map<String, Object>> check(ChangePlan plan, int minUp, Map<String, Object> answerSoFar) {
        return check(plan, minUp, answerSoFar, CapacityBasis.LIVE_ONLY);
    }

    /**
     * @return one entry per backend the plan takes servers out of, for the answer: the counts,
     *         which servers counted, and why each other one did not; throws (kind capacity,
     *         changed false, the entries in the answer) when one falls short
     */
    public static List<Map<String, Object>> check(ChangePlan plan, int minUp, Map<String, Object> answerSoFar,
            CapacityBasis basis) {
        Map<String, List<String>> leaving = new LinkedHashMap<>();
        for (PlannedChange change : plan.changes()) {
            boolean counted = counts(change.before(), basis) == null;
            if (counted && counts(change.expected(), basis) != null) {
                leaving.computeIfAbsent(change.before().backend(), b -> new ArrayList<>()).add(change.before().name());
            }
        }
        List<Map<String, Object>> counts = new ArrayList<>();
        List<String> shortfalls = new ArrayList<>();
        leaving.forEach((backend, out) -> {
            List<String> counted = new ArrayList<>();
            List<Map<String, Object>> notCounted = new ArrayList<>();
            for (Inspection inspection : plan.targets().snapshot().serversOf(backend)) {
                Server server = inspection.server();
                String why = counts(server, basis);
                if (why == null) {
                    counted.add(server.name());
                } else {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("server", server.name());
                    one.put("why", why);
                    notCounted.add(one);
                }
            }
            int up = counted.size();
            int after = up - out.size();
            Map<String, Object> count = new LinkedHashMap<>();
            count.put("backend", backend);
            count.put("up_before", up);
            count.put("up_after", after);
            count.put("min_up", minUp);
            count.put("counted", counted);
            count.put("not_counted", notCounted);
            count.put("source", basis.source(backend));
            counts.add(count);
            if (after < minUp) {
                shortfalls.add("backend '" + backend + "' would have " + after + " server" + (after == 1 ? "" : "s")
                        + " up and in rotation (now " + up + ": " + (counted.isEmpty() ? "none" : String.join(", ",
                        counted)) + "; --min-up " + minUp + ")");
            }
        });
        if (!shortfalls.isEmpty()) {
            Map<String, Object> partial = new LinkedHashMap<>(answerSoFar);
            partial.put("capacity", counts);
            throw new HapcException(ErrorKind.CAPACITY, "refused by the capacity guard, nothing was changed: "
                    + String.join("; ", shortfalls) + ".", null, partial);
        }
        return counts;
    }

    /** Null when the server counts as capacity, else why not (for the answer). */
    static String counts(Server server, CapacityBasis basis) {
        if (server.adminState() != AdminState.READY) {
            return "admin state " + server.adminState().jsonName();
        }
        if (server.operational() != OperationalState.UP) {
            return "operationally " + server.operational().jsonName();
        }
        if (server.weight() <= 0) {
            return "weight 0";
        }
        if (server.backup() && !basis.allBackups().contains(server.backend())) {
            return basis.fromConfig() ? "backup server (no option allbackups)"
                    : "backup server (option allbackups not known without --config)";
        }
        return null;
    }
}
