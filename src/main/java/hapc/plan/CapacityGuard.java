package hapc.plan;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.Server;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * --min-up N: refuse the whole call, before anything is sent, when a backend it takes servers
 * out of would be left with fewer than N servers up and in rotation (admin ready, operationally
 * up, weight above 0). Counted per backend from the state read before acting. A backend the
 * call takes nothing out of is not judged: re-running a drain that is already done is no outage.
 */
public final class CapacityGuard {
    private CapacityGuard() {
    }

    /** Whether {@link #check} would let the plan through: what a capacity wait polls for. */
    public static boolean allows(ChangePlan plan, int minUp) {
        try {
            check(plan, minUp, Map.of());
            return true;
        } catch (HapcException e) {
            return false;
        }
    }

    /** @return one entry per backend the plan touches, for the answer; throws when one falls short */
    public static List<Map<String, Object>> check(ChangePlan plan, int minUp, Map<String, Object> answerSoFar) {
        Map<String, Integer> leaving = new LinkedHashMap<>();
        for (PlannedChange change : plan.changes()) {
            if (change.before().inRotation() && !change.expected().inRotation()) {
                leaving.merge(change.before().backend(), 1, Integer::sum);
            }
        }
        List<Map<String, Object>> counts = new ArrayList<>();
        List<String> shortfalls = new ArrayList<>();
        leaving.forEach((backend, out) -> {
            int up = (int) plan.targets().snapshot().serversOf(backend).stream().map(Inspection::server)
                    .filter(Server::inRotation).count();
            int after = up - out;
            Map<String, Object> count = new LinkedHashMap<>();
            count.put("backend", backend);
            count.put("up_before", up);
            count.put("up_after", after);
            count.put("min_up", minUp);
            counts.add(count);
            if (after < minUp) {
                shortfalls.add("backend '" + backend + "' would have " + after + " server" + (after == 1 ? "" : "s")
                        + " up and in rotation (now " + up + ", --min-up " + minUp + ")");
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
}
