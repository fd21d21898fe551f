package hapc.runtime;

import hapc.model.AdminBits;
import hapc.model.OperationalState;

/**
 * What hapc takes from a server's {@code show servers state} line.
 *
 * @param weight        the current weight ({@code srv_uweight})
 * @param initialWeight the weight the config gave it ({@code srv_iweight})
 * @param agentState    the agent check's state bits ({@code srv_agent_state}; 0 when none)
 * @param backendId     the backend's numeric id ({@code be_id}): what {@code show stat <iid> 4 <sid>} takes
 * @param id            the server's numeric id in its backend ({@code srv_id})
 */
public record StateRow(String backend, String server, AdminBits admin, OperationalState operational, String address,
        Integer port, int weight, int initialWeight, int agentState, int backendId, int id) {
}
