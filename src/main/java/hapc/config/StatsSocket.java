package hapc.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code stats socket} line of the global section: its address and access level.
 *
 * @param address where hapc reaches it, in hapc's socket spelling (see {@link #reachedAt})
 */
public record StatsSocket(String address, String level, Origin origin) {
    private static final Pattern HOST_PORT = Pattern.compile("^(.*):([0-9]{1,5})$");

    public static StatsSocket of(String written, String level, Origin origin) {
        return new StatsSocket(reachedAt(written), level, origin);
    }

    /** HAProxy's default level is "operator", which cannot change server states. */
    public boolean isAdmin() {
        return "admin".equals(level);
    }

    /**
     * HAProxy's address as hapc's {@code -k} takes it: {@code ipv4@HOST:PORT} or
     * {@code ipv6@[HOST]:PORT}. HAProxy also accepts an IPv6 host without brackets (the last
     * colon starts the port), no family prefix at all ({@code 127.0.0.1:9999},
     * {@code [::1]:9999}) and a wildcard host ({@code :9999}, {@code ipv6@:::9999}), which hapc
     * reaches on loopback. Unix paths and the families hapc cannot reach ({@code abns@},
     * {@code fd@}...) stay as written.
     */
    static String reachedAt(String written) {
        String family = null;
        String rest = written;
        if (written.startsWith("ipv4@") || written.startsWith("ipv6@")) {
            family = written.substring(0, 4);
            rest = written.substring(5);
        } else if (written.startsWith("/") || written.contains("@") || !written.contains(":")) {
            return written;
        }
        Matcher m = HOST_PORT.matcher(rest);
        if (!m.matches()) {
            return written;
        }
        String host = m.group(1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        if (family == null) {
            family = bracketed || host.contains(":") ? "ipv6" : "ipv4";
        }
        if (family.equals("ipv6")) {
            return "ipv6@[" + (host.isEmpty() || host.equals("::") ? "::1" : host) + "]:" + m.group(2);
        }
        return "ipv4@" + (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":"
                + m.group(2);
    }
}
