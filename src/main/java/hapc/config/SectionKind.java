package hapc.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The section keywords of haproxy.cfg. Only {@code frontend}, {@code backend} and
 * {@code listen} are proxies; {@code peers}, {@code ring}, {@code resolvers} and
 * {@code mailers} also hold {@code server}-like lines, and those are NOT backend servers.
 */
public enum SectionKind {
    GLOBAL("global", false),
    DEFAULTS("defaults", false),
    FRONTEND("frontend", true),
    BACKEND("backend", true),
    LISTEN("listen", true),
    PEERS("peers", true),
    RING("ring", true),
    RESOLVERS("resolvers", true),
    MAILERS("mailers", true),
    USERLIST("userlist", true),
    PROGRAM("program", true),
    HTTP_ERRORS("http-errors", true),
    CACHE("cache", true),
    CRT_STORE("crt-store", false),
    TRACES("traces", false),
    LOG_FORWARD("log-forward", true),
    FCGI_APP("fcgi-app", true),
    ACME("acme", true);

    private final String keyword;
    private final boolean needsName;

    SectionKind(String keyword, boolean needsName) {
        this.keyword = keyword;
        this.needsName = needsName;
    }

    public String keyword() {
        return keyword;
    }

    public boolean needsName() {
        return needsName;
    }

    /** A section that receives traffic from clients: frontend or listen. */
    public boolean isFrontend() {
        return this == FRONTEND || this == LISTEN;
    }

    /** A section whose servers are backend servers: backend or listen. */
    public boolean isBackend() {
        return this == BACKEND || this == LISTEN;
    }

    /** Sections that may name the defaults section they start from. */
    public boolean takesFrom() {
        return this == DEFAULTS || isFrontend() || isBackend();
    }

    public static Optional<SectionKind> byKeyword(String word) {
        return Arrays.stream(values()).filter(k -> k.keyword.equals(word)).findFirst();
    }
}
