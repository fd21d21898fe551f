package hapc.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One server of one backend as HAProxy sees it right now. Sessions and queue are summed over
 * every live worker, old ones included.
 *
 * @param weight        the weight set on the server ({@code srv_uweight}, what {@code set weight}
 *                      changes and {@code get weight} shows)
 * @param initialWeight the weight the config gave it ({@code srv_iweight})
 * @param backup        a backup server ({@code show stat}'s {@code bck}); not in the answer's server object
 * @param effectiveWeight the weight HAProxy balances with now ({@code show stat}'s {@code weight}): lags
 *                      behind {@code weight} during a slowstart, and before 3.0 stays stale for a server
 *                      in maint after {@code set weight}; null when HAProxy gave no stats row
 */
public record Server(
        String backend,
        String name,
        AdminBits admin,
        OperationalState operational,
        String status,
        int weight,
        String address,
        Integer port,
        long sessions,
        long queued,
        String checkStatus,
        int initialWeight,
        int agentBits,
        boolean backup,
        Integer effectiveWeight) {

    public AdminState adminState() {
        return admin.state();
    }

    public AgentState agent() {
        return AgentState.fromBits(agentBits);
    }

    /** Up and in rotation, as the capacity guard counts: ready, operationally up, weight above 0. */
    public boolean inRotation() {
        return adminState() == AdminState.READY && operational == OperationalState.UP && weight > 0;
    }

    /**
     * The server as HAProxy is expected to show it once {@code set server ... state} gave it these
     * bits: what check mode reports. The status text follows the state (DRAIN, MAINT; back in
     * rotation UP, or "no check" without a health check); the rest is as read.
     */
    public Server expectedWith(AdminBits bits) {
        String expectedStatus = switch (bits.state()) {
            case DRAIN -> "DRAIN";
            case MAINT -> "MAINT";
            case READY -> checkStatus == null ? "no check" : "UP";
        };
        return new Server(backend, name, bits, operational, expectedStatus, weight, address, port, sessions, queued,
                checkStatus, initialWeight, agentBits, backup, effectiveWeight);
    }

    /**
     * With a new weight, as expected after {@code set weight}: HAProxy balances with it at once
     * (outside a slowstart), so the effective weight is expected to follow.
     */
    public Server withWeight(int newWeight) {
        return new Server(backend, name, admin, operational, status, newWeight, address, port, sessions, queued,
                checkStatus, initialWeight, agentBits, backup, effectiveWeight == null ? null : newWeight);
    }

    public Server withAgentBits(int bits) {
        return new Server(backend, name, admin, operational, status, weight, address, port, sessions, queued,
                checkStatus, initialWeight, bits, backup, effectiveWeight);
    }

    public Server withLoad(long newSessions, long newQueued) {
        return new Server(backend, name, admin, operational, status, weight, address, port, newSessions, newQueued,
                checkStatus, initialWeight, agentBits, backup, effectiveWeight);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("backend", backend);
        json.put("admin_state", admin.state().jsonName());
        json.put("admin_state_source", admin.source());
        json.put("admin_state_bits", admin.value());
        json.put("operational_state", operational.jsonName());
        json.put("status", status);
        json.put("weight", weight);
        json.put("initial_weight", initialWeight);
        json.put("effective_weight", effectiveWeight);
        json.put("address", address);
        json.put("port", port);
        json.put("sessions", sessions);
        json.put("queued", queued);
        json.put("check_status", checkStatus);
        json.put("agent", agent().jsonName());
        return json;
    }
}
