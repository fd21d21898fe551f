package hapc.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the master CLI's {@code show proc}: the master, a current worker, or an OLD
 * worker still finishing the connections it held when HAProxy was reloaded.
 */
public record Process(int pid, Role role, Integer reloads, Integer failedReloads, String uptime, String version) {
    public enum Role { MASTER, CURRENT, OLD }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", pid);
        json.put("role", role.name().toLowerCase());
        json.put("reloads", reloads);
        json.put("uptime", uptime);
        json.put("version", version);
        return json;
    }
}
