package hapc.config;

/**
 * A {@code server} line of a backend or listen section (or one of the servers a
 * {@code server-template} line stands for).
 *
 * @param address the address without the port, as written (a name, an IP, a unix path), or null
 * @param port    the port, or null when none is written or it is relative ({@code +1000}) or a range
 * @param agentIntervalMillis the interval its agent check would run at (agent-inter, else inter,
 *                            else HAProxy's 2 s), whether or not it has one
 */
public record ConfigServer(String name, String address, Integer port, boolean disabled, boolean backup,
        boolean fromTemplate, long agentIntervalMillis, Origin origin) {
}
