package hapc.testing;

/**
 * A server's admin state in the contract's words, decided by the test itself from the raw
 * {@code srv_admin_state} bits that {@link RawSocket} reads (haproxy-facts: maint = 0x23,
 * drain = 0x18), independently of hapc's own model classes.
 */
public final class ServerStates {
    private ServerStates() {
    }

    public static String of(HaproxyProcess haproxy, String backend, String server) {
        int bits = RawSocket.adminBits(haproxy.adminSocket(), backend, server);
        if (bits < 0) {
            throw new AssertionError("no server " + backend + "/" + server + " in show servers state");
        }
        return (bits & 0x23) != 0 ? "maint" : (bits & 0x18) != 0 ? "drain" : "ready";
    }
}
