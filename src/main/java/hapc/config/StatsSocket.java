package hapc.config;

/** A {@code stats socket} line of the global section: its address and access level. */
public record StatsSocket(String address, String level, Origin origin) {
    /** HAProxy's default level is "operator", which cannot change server states. */
    public boolean isAdmin() {
        return "admin".equals(level);
    }
}
