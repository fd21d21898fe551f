package hapc.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns sections into what HAProxy will run: frontends and backends with what they inherit
 * from their {@code defaults} section (the last one before them, or the one named with
 * {@code from}), and the global settings hapc needs. Only the keywords hapc reports are
 * interpreted; the others are HAProxy's business and left alone, not reported.
 */
final class ProxyBuilder {
    private final List<ConfigWarning> warnings;
    private final List<Frontend> frontends = new ArrayList<>();
    private final Map<String, ConfigBackend> backends = new LinkedHashMap<>();
    private final List<StatsSocket> statsSockets = new ArrayList<>();
    private final Map<String, Defaults> namedDefaults = new HashMap<>();
    private Defaults lastDefaults = Defaults.NONE;
    private String serverStateFile;
    private String serverStateBase;

    ProxyBuilder(List<ConfigWarning> warnings) {
        this.warnings = warnings;
    }

    HaproxyConfig build(List<java.nio.file.Path> files, List<Section> sections) {
        for (Section section : sections) {
            switch (section.kind()) {
                case GLOBAL -> global(section);
                case DEFAULTS -> defaults(section);
                case FRONTEND, BACKEND, LISTEN -> proxy(section);
                default -> {
                    // peers, ring, resolvers, mailers...: their server lines are not backend servers
                }
            }
        }
        checkTargets();
        return new HaproxyConfig(List.copyOf(files), List.copyOf(frontends), List.copyOf(backends.values()),
                List.copyOf(statsSockets), serverStateFile, serverStateBase, List.copyOf(warnings));
    }

    private void global(Section section) {
        for (Directive line : section.directives()) {
            if (line.is("stats", "socket")) {
                if (line.word(2) == null) {
                    warn(line, "'stats socket' without an address");
                    continue;
                }
                String level = null;
                for (int i = 3; i + 1 < line.words().size(); i++) {
                    if (line.words().get(i).equals("level")) {
                        level = line.words().get(i + 1);
                    }
                }
                statsSockets.add(StatsSocket.of(line.word(2), level == null ? "operator" : level, line.origin()));
            } else if (line.is("server-state-file")) {
                serverStateFile = argument(line);
            } else if (line.is("server-state-base")) {
                serverStateBase = argument(line);
            }
        }
    }

    private void defaults(Section section) {
        Defaults values = start(section);
        for (Directive line : section.directives()) {
            switch (line.keyword()) {
                case "mode" -> values = values.withMode(argument(line));
                case "default_backend" -> values = values.withDefaultBackend(argument(line));
                case "load-server-state-from-file" -> values = values.withLoadState(argument(line));
                case "hash-type" -> values = values.withHashType(argument(line));
                case "default-server" -> values = values.withServerDefaults(values.server.with(line, 1));
                case "option", "no" -> {
                    Boolean all = allBackups(line);
                    if (all != null) {
                        values = values.withAllBackups(all);
                    }
                }
                case "use_backend", "server", "bind" ->
                        warn(line, "'" + line.keyword() + "' is not allowed in a defaults section (HAProxy refuses"
                                + " this); ignored");
                default -> {
                    // not something hapc reports
                }
            }
        }
        lastDefaults = values;
        if (section.name() != null) {
            namedDefaults.put(section.name(), values);
        }
    }

    /**
     * The defaults a section starts from: the one named with 'from'; else, for a proxy, the last
     * defaults section read, and for a defaults section nothing (it resets every setting).
     */
    private Defaults start(Section section) {
        if (section.from() == null) {
            return section.kind() == SectionKind.DEFAULTS ? Defaults.NONE : lastDefaults;
        }
        Defaults named = namedDefaults.get(section.from());
        if (named == null) {
            warnings.add(new ConfigWarning(section.origin(), "'from " + section.from()
                    + "': no defaults section of that name before this line (HAProxy refuses this);"
                    + " read as starting from nothing"));
            return Defaults.NONE;
        }
        return named;
    }

    private void proxy(Section section) {
        if (section.name() == null) {
            return;
        }
        Defaults inherited = start(section);
        SectionKind kind = section.kind();
        String mode = null;
        String defaultBackend = null;
        List<Bind> binds = new ArrayList<>();
        List<UseBackend> rules = new ArrayList<>();
        List<ConfigServer> servers = new ArrayList<>();
        String loadState = null;
        String stateFileName = null;
        ServerKeywords serverDefaults = inherited.server;
        boolean allBackups = inherited.allBackups;
        String hashType = null;
        for (Directive line : section.directives()) {
            Boolean all = allBackups(line);
            if (all != null) {
                allBackups = all;
            }
            switch (line.keyword()) {
                case "mode" -> mode = argument(line);
                case "hash-type" -> hashType = argument(line);
                case "bind" -> {
                    if (frontendOnly(kind, line) && argument(line) != null) {
                        // One bind line may list several addresses; HAProxy listens on each.
                        for (String address : line.word(1).split(",")) {
                            if (!address.isEmpty()) {
                                binds.add(Bind.of(address, line.origin()));
                            }
                        }
                    }
                }
                case "default_backend" -> {
                    if (frontendOnly(kind, line)) {
                        defaultBackend = argument(line);
                    }
                }
                case "use_backend" -> {
                    if (frontendOnly(kind, line) && argument(line) != null) {
                        rules.add(UseBackend.of(line.word(1), line.origin()));
                    }
                }
                case "server" -> {
                    if (backendOnly(kind, line)) {
                        server(line, serverDefaults).ifPresent(servers::add);
                    }
                }
                case "server-template" -> {
                    if (backendOnly(kind, line)) {
                        servers.addAll(template(line, serverDefaults));
                    }
                }
                case "default-server" -> {
                    serverDefaults = serverDefaults.with(line, 1);
                }
                case "load-server-state-from-file" -> loadState = argument(line);
                case "server-state-file-name" -> stateFileName = line.word(1) == null ? "use-backend-name"
                        : line.word(1);
                default -> {
                    // not something hapc reports
                }
            }
        }
        String effectiveMode = mode != null ? mode : inherited.mode != null ? inherited.mode : "tcp";
        if (kind.isFrontend()) {
            String from = null;
            if (defaultBackend != null) {
                from = "section";
            } else if (inherited.defaultBackend != null) {
                defaultBackend = inherited.defaultBackend;
                from = "defaults";
            } else if (kind == SectionKind.LISTEN) {
                defaultBackend = section.name();
                from = "self";
            }
            if (frontends.stream().anyMatch(f -> f.name().equals(section.name()))) {
                warnings.add(new ConfigWarning(section.origin(), "a second frontend or listen section named '"
                        + section.name() + "' (HAProxy refuses this)"));
            }
            frontends.add(new Frontend(section.name(), kind, effectiveMode, List.copyOf(binds), defaultBackend, from,
                    List.copyOf(rules), section.origin()));
        }
        if (kind.isBackend()) {
            if (backends.containsKey(section.name())) {
                warnings.add(new ConfigWarning(section.origin(), "a second backend or listen section named '"
                        + section.name() + "' (HAProxy refuses this); the later one is listed"));
                backends.remove(section.name());
            }
            backends.put(section.name(), new ConfigBackend(section.name(), kind, effectiveMode, List.copyOf(servers),
                    loadState != null ? loadState : inherited.loadState, stateFileName, allBackups,
                    hashType != null ? hashType : inherited.hashType, section.origin()));
        }
    }

    private java.util.Optional<ConfigServer> server(Directive line, ServerKeywords defaults) {
        if (line.word(1) == null || line.word(2) == null) {
            warn(line, "a server line needs a name and an address; ignored");
            return java.util.Optional.empty();
        }
        ServerAddress address = ServerAddress.parse(line.word(2));
        ServerKeywords keywords = defaults.with(line, 3);
        return java.util.Optional.of(new ConfigServer(line.word(1), address.host(), address.port(), keywords.disabled(),
                keywords.backup(), false, keywords.agentIntervalMillis(), line.origin()));
    }

    /** {@code server-template <prefix> <count | low-high> <address>[:port] [params]}. */
    private List<ConfigServer> template(Directive line, ServerKeywords defaults) {
        String prefix = line.word(1);
        String range = line.word(2);
        if (prefix == null || range == null || line.word(3) == null) {
            warn(line, "server-template needs a prefix, a count or range, and an address; ignored");
            return List.of();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})(?:-(\\d{1,6}))?").matcher(range);
        if (!m.matches()) {
            warn(line, "server-template count '" + range + "' is not a number or a range; ignored");
            return List.of();
        }
        int low = m.group(2) == null ? 1 : Integer.parseInt(m.group(1));
        int high = m.group(2) == null ? Integer.parseInt(m.group(1)) : Integer.parseInt(m.group(2));
        if (high < low || high - low >= 10_000) {
            warn(line, "server-template range '" + range + "' is empty or larger than 10000 servers; ignored");
            return List.of();
        }
        ServerAddress address = ServerAddress.parse(line.word(3));
        ServerKeywords keywords = defaults.with(line, 4);
        List<ConfigServer> servers = new ArrayList<>();
        for (int i = low; i <= high; i++) {
            servers.add(new ConfigServer(prefix + i, address.host(), address.port(), keywords.disabled(),
                    keywords.backup(), true, keywords.agentIntervalMillis(), line.origin()));
        }
        return servers;
    }

    private boolean frontendOnly(SectionKind kind, Directive line) {
        if (kind.isFrontend()) {
            return true;
        }
        warn(line, "'" + line.keyword() + "' is not allowed in a backend section (HAProxy refuses this); ignored");
        return false;
    }

    private boolean backendOnly(SectionKind kind, Directive line) {
        if (kind.isBackend()) {
            return true;
        }
        warn(line, "'" + line.keyword() + "' is not allowed in a frontend section (HAProxy refuses this); ignored");
        return false;
    }

    /** Backends named by default_backend and static use_backend rules must exist. */
    private void checkTargets() {
        for (Frontend frontend : frontends) {
            if (frontend.defaultBackend() != null && !backends.containsKey(frontend.defaultBackend())) {
                warnings.add(new ConfigWarning(frontend.origin(), frontend.kind().keyword() + " " + frontend.name()
                        + ": default_backend '" + frontend.defaultBackend() + "' is not a backend of this config"));
            }
            for (UseBackend rule : frontend.useBackends()) {
                if (!rule.dynamic() && !backends.containsKey(rule.target())) {
                    warnings.add(new ConfigWarning(rule.origin(), "use_backend '" + rule.target()
                            + "' is not a backend of this config"));
                }
            }
        }
    }

    private String argument(Directive line) {
        if (line.word(1) == null) {
            warn(line, "'" + line.keyword() + "' without an argument; ignored");
        }
        return line.word(1);
    }

    private void warn(Directive line, String message) {
        warnings.add(new ConfigWarning(line.origin(), message));
    }

    /** What a defaults section hands down to the proxies that use it. */
    private record Defaults(String mode, String defaultBackend, String loadState, ServerKeywords server,
            boolean allBackups, String hashType) {
        static final Defaults NONE = new Defaults(null, null, null, ServerKeywords.NONE, false, null);

        Defaults withMode(String value) {
            return new Defaults(value, defaultBackend, loadState, server, allBackups, hashType);
        }

        Defaults withDefaultBackend(String value) {
            return new Defaults(mode, value, loadState, server, allBackups, hashType);
        }

        Defaults withLoadState(String value) {
            return new Defaults(mode, defaultBackend, value, server, allBackups, hashType);
        }

        Defaults withServerDefaults(ServerKeywords value) {
            return new Defaults(mode, defaultBackend, loadState, value, allBackups, hashType);
        }

        Defaults withAllBackups(boolean value) {
            return new Defaults(mode, defaultBackend, loadState, server, value, hashType);
        }

        Defaults withHashType(String value) {
            return new Defaults(mode, defaultBackend, loadState, server, allBackups, value);
        }
    }

    /** {@code option allbackups} (true), {@code no option allbackups} (false), else null. */
    private static Boolean allBackups(Directive line) {
        if (line.is("option", "allbackups")) {
            return true;
        }
        return line.is("no", "option", "allbackups") ? false : null;
    }
}
