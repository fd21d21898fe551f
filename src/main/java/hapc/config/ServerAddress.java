package hapc.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address word of a server line split into host and port, as HAProxy reads it: a unix
 * path has no port, {@code [v6]:port} uses brackets, otherwise the port follows the LAST
 * colon. A relative port ({@code +1000}) or a range has no single port number. The
 * {@code ipv4@} and {@code ipv6@} prefixes only say which family the address is of, and are
 * dropped (HAProxy's own {@code show servers state} reports the bare address); other families
 * ({@code unix@}, {@code abns@}...) stay as written.
 */
record ServerAddress(String host, Integer port) {
    private static final Pattern BRACKETED = Pattern.compile("^((?:[a-z0-9]+@)?)\\[([^\\]]*)\\](?::(.*))?$");

    static ServerAddress parse(String word) {
        String family = "";
        String rest = word;
        int at = word.indexOf('@');
        if (at > 0 && word.substring(0, at).matches("[a-z0-9]+")) {
            family = word.substring(0, at + 1);
            rest = word.substring(at + 1);
        }
        if (family.equals("unix@") || family.equals("abns@") || family.equals("sockpair@") || family.equals("fd@")
                || rest.startsWith("/")) {
            return new ServerAddress(word, null);
        }
        if (family.equals("ipv4@") || family.equals("ipv6@")) {
            family = "";
            word = rest;
        }
        Matcher bracketed = BRACKETED.matcher(word);
        if (bracketed.matches()) {
            return new ServerAddress(bracketed.group(1) + bracketed.group(2), port(bracketed.group(3)));
        }
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            return new ServerAddress(word, null);
        }
        String host = family + rest.substring(0, colon);
        return new ServerAddress(host.isEmpty() ? null : host, port(rest.substring(colon + 1)));
    }

    private static Integer port(String text) {
        if (text == null || !text.matches("\\d{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(text);
        return port <= 65535 ? port : null;
    }
}
