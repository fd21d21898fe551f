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

    /**
     * How many servers of the backend take new traffic, from one {@code show servers state}:
     * admin state ready (no drain or maint bit), operationally running (srv_op_state 2) and
     * weight above 0. What the capacity guard promises to keep at --min-up.
     */
    public static int inRotation(HaproxyProcess haproxy, String backend) {
        String text = RawSocket.ask(haproxy.adminSocket(), "show servers state " + backend);
        java.util.List<String> header = null;
        int count = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("# ")) {
                header = java.util.List.of(line.substring(2).trim().split(" "));
            } else if (header != null && !line.isBlank()) {
                String[] f = line.trim().split(" ");
                int admin = Integer.parseInt(f[header.indexOf("srv_admin_state")]);
                int op = Integer.parseInt(f[header.indexOf("srv_op_state")]);
                int weight = Integer.parseInt(f[header.indexOf("srv_uweight")]);
                if ((admin & 0x3b) == 0 && op == 2 && weight > 0) {
                    count++;
                }
            }
        }
        return count;
    }
}
