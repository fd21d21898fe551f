package hapc.runtime;


import hapc.runtime.LiveServers.Inspection;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The servers of some backends as read at one moment: backend -> server name -> the server with
 * its load in each live worker, in HAProxy's order. Targets are resolved against it, and the
 * capacity guard counts the other servers of a backend from it.
 */
public record ServerSnapshot(Map<String, Map<String, Inspection>> backends) {
    public Optional<Inspection> find(String backend, String server) {
        Map<String, Inspection> servers = backends.get(backend);
        return servers == null ? Optional.empty() : Optional.ofNullable(servers.get(server));
    }

    public Set<String> backendNames() {
        return backends.keySet();
    }

    public Collection<Inspection> serversOf(String backend) {
        return backends.getOrDefault(backend, Map.of()).values();
    }
}
