package hapc.runtime;

import hapc.model.AdminBits;
import hapc.model.OperationalState;

/** What hapc takes from a server's {@code show servers state} line. */
public record StateRow(String server, AdminBits admin, OperationalState operational, String address, Integer port,
        int weight) {
}
