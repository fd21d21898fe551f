package hapc.config;

/**
 * One address of a {@code bind} line (as written, variables expanded), with its origin. A line
 * listing several addresses, comma-separated, gives one Bind each, as HAProxy makes one
 * listener each; a port range stays one Bind, as written. The {@code ipv4@} and {@code ipv6@}
 * prefixes only name the family and are dropped, as HAProxy reports its listeners without them;
 * every other prefix ({@code quic4@}, {@code unix@}, {@code fd@}...) changes what is listened on
 * and stays.
 */
public record Bind(String address, Origin origin) {
    static Bind of(String written, Origin origin) {
        boolean familyOnly = written.startsWith("ipv4@") || written.startsWith("ipv6@");
        return new Bind(familyOnly ? written.substring("ipv4@".length()) : written, origin);
    }
}
