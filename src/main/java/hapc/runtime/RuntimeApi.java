package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminBits;
import hapc.model.AdminState;
import hapc.model.OperationalState;
import hapc.request.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * HAProxy's runtime API as hapc uses it, one method per command. Every question is asked about
 * ONE backend ({@code show stat B 4 -1}, {@code show servers state B}), so the cost of a call
 * does not grow with the number of backends the HAProxy carries.
 */
public final class RuntimeApi {
    private static final String SEVERITY = "set severity-output number";
    private static final String SERVERS_ONLY = "4";
    private static final String ALL_STATES = "show servers state";
    private static final String ALL_STATS = "show stat -1 " + SERVERS_ONLY + " -1";
    /** The columns read from {@code show servers state} and {@code show stat}: only these are split out. */
    private static final Set<String> STATE_COLUMNS = Set.of("be_name", "srv_name", "srv_admin_state", "srv_op_state",
            "srv_addr", "srv_port", "srv_uweight", "srv_iweight", "srv_agent_state");
    private static final Set<String> STAT_COLUMNS = Set.of("pxname", "svname", "type", "status", "weight", "addr",
            "scur", "qcur", "check_status");
    /** Beyond this many backends, one whole dump costs less than a command per backend. */
    static final int PER_BACKEND_LIMIT = 32;
    /** Up to this many (backend, server) pairs, asking each costs less than the whole state dump. */
    static final long PROBE_LIMIT = 20_000;

    private final AdminSocket socket;

    public RuntimeApi(AdminSocket socket) {
        this.socket = socket;
    }

    public SocketTarget target() {
        return socket.target();
    }

    public List<String> backendNames() {
        Answer answer = ask(List.of("show backend")).get(0);
        List<String> names = new ArrayList<>();
        for (String line : answer.text().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.strip());
            }
        }
        return names;
    }

    /** The servers of a backend, in configuration order, as the current worker sees them. */
    public Map<String, ServerView> servers(String backend) {
        List<Answer> answers = ask(List.of(stateCommand(backend), statCommand(backend)));
        return join(backend, answers.get(0), answers.get(1));
    }

    /**
     * The servers of these backends, as {@link #servers} gives them for one. Up to
     * {@link #PER_BACKEND_LIMIT} backends are asked about one by one (packed into as few lines as
     * the CLI takes); beyond that one whole dump of each table is cheaper than thousands of
     * commands, and only the rows of these backends are split.
     */
    public Map<String, Map<String, ServerView>> read(Collection<String> backends) {
        Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
        if (backends.size() > PER_BACKEND_LIMIT) {
            Set<String> wanted = Set.copyOf(backends);
            List<Answer> answers = ask(List.of(ALL_STATES, ALL_STATS));
            Map<String, List<StateRow>> states = statesByBackend(answers.get(0), "be_name", wanted);
            Map<String, Map<String, StatRow>> stats = statRows(wanted, answers.get(1));
            for (String backend : backends) {
                List<StateRow> rows = states.get(backend);
                if (rows == null) {
                    throw noSuchBackend(backend);
                }
                servers.put(backend, join(rows, stats.getOrDefault(backend, Map.of())));
            }
            return servers;
        }
        List<String> commands = new ArrayList<>();
        for (String backend : backends) {
            commands.add(stateCommand(backend));
            commands.add(statCommand(backend));
        }
        List<Answer> answers = askPacked(commands, false);
        int i = 0;
        for (String backend : backends) {
            servers.put(backend, join(backend, answers.get(i), answers.get(i + 1)));
            i += 2;
        }
        return servers;
    }

    /**
     * Only the servers of these names in these backends, as {@link #read(Collection)} gives them
     * (a backend holding none of them maps to no server): what a read-back after a write needs.
     * Beyond {@link #PER_BACKEND_LIMIT} backends, only the rows of these server names are split
     * out of the two whole dumps: draining s5 in 10,000 backends reads back 10,000 servers of
     * both tables, not 100,000.
     */
    public Map<String, Map<String, ServerView>> read(Collection<String> backends, Set<String> serverNames) {
        if (backends.size() <= PER_BACKEND_LIMIT) { // the per-backend commands answer every server anyway
            Map<String, Map<String, ServerView>> servers = read(backends);
            servers.values().forEach(views -> views.keySet().retainAll(serverNames));
            return servers;
        }
        List<Answer> answers = ask(List.of(ALL_STATES, ALL_STATS));
        Map<String, List<StateRow>> states = statesByBackend(answers.get(0), "srv_name", serverNames);
        Map<String, Map<String, StatRow>> stats = statRows("svname", serverNames, answers.get(1));
        Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
        for (String backend : backends) {
            servers.put(backend, join(states.getOrDefault(backend, List.of()), stats.getOrDefault(backend, Map.of())));
        }
        return servers;
    }

    /**
     * Every backend that has a server of one of these exact names, with all its servers (the
     * capacity guard needs the others too).
     *
     * <p>Which backends hold them is asked cheaply first: {@code show backend}, then {@code get
     * weight B/S} for every pair (on 10,000 backends, 16 lines and 150 kB answered in ~75 ms,
     * where the whole {@code show servers state} is 6.8 MB that HAProxy takes 120-170 ms to
     * write and hapc as long to scan); then only those backends are read. With many names the
     * pairs outgrow the dump, and one whole dump is read instead, only matching rows split.
     */
    public Map<String, Map<String, ServerView>> locate(Set<String> serverNames) {
        List<String> backends = backendNames();
        if ((long) backends.size() * serverNames.size() > PROBE_LIMIT) {
            return withStats(statesOfBackendsHolding(serverNames));
        }
        Set<String> holding = holding(backends, serverNames);
        if (holding.size() <= PER_BACKEND_LIMIT) {
            return holding.isEmpty() ? Map.of() : read(holding);
        }
        // many backends: the whole state dump, read and released before the stats dump (memory)
        return withStats(statesByBackend(ask(List.of(ALL_STATES)).get(0), "be_name", holding));
    }

    /** These backends' state rows joined with their stats, read now. */
    private Map<String, Map<String, ServerView>> withStats(Map<String, List<StateRow>> states) {
        if (states.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, StatRow>> stats = stats(states.keySet());
        Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
        states.forEach((backend, rows) -> servers.put(backend, join(rows, stats.getOrDefault(backend, Map.of()))));
        return servers;
    }

    /**
     * The state rows of every backend holding one of these server names, from one whole dump
     * read here, so that the 7 MB dump is garbage before the stats of those backends are asked.
     */
    private Map<String, List<StateRow>> statesOfBackendsHolding(Set<String> serverNames) {
        Answer dump = ask(List.of(ALL_STATES)).get(0);
        Set<String> backends = new LinkedHashSet<>(statesByBackend(dump, "srv_name", serverNames).keySet());
        return backends.isEmpty() ? Map.of() : statesByBackend(dump, "be_name", backends);
    }

    /** The backends, in HAProxy's order, that have a server of one of these names ({@code get weight}). */
    private Set<String> holding(List<String> backends, Set<String> serverNames) {
        List<String> commands = new ArrayList<>(backends.size() * serverNames.size());
        for (String backend : backends) {
            for (String server : serverNames) {
                commands.add("get weight " + Commands.id(backend, server));
            }
        }
        List<Answer> answers = askPacked(commands, false);
        Set<String> holding = new LinkedHashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            if (!answer.isError()) {
                holding.add(backends.get(i / serverNames.size()));
            } else if (!answer.message().startsWith("No such")) {
                throw refused(answer);
            }
        }
        return holding;
    }

    /** Only the load of each server of these backends: what a wait polls. */
    public Map<String, Map<String, ServerLoad>> loads(Collection<String> backends) {
        Map<String, Map<String, ServerLoad>> loads = new LinkedHashMap<>();
        stats(backends).forEach((backend, rows) -> {
            Map<String, ServerLoad> perServer = new LinkedHashMap<>();
            rows.forEach((name, row) -> perServer.put(name, row.load()));
            loads.put(backend, perServer);
        });
        return loads;
    }

    /**
     * Sends write commands, packed into as few lines as the CLI takes, and returns HAProxy's
     * refusal of each (null where it was taken), in order. A line whose answer is lost fails the
     * whole call, saying the change may have been applied: it is never re-sent.
     */
    public List<String> write(List<String> commands) {
        List<String> refusals = new ArrayList<>(commands.size());
        for (Answer answer : askPacked(commands, true)) {
            if (answer.isPermissionDenied() || answer.isUnknownCommand()) {
                throw refused(answer);
            }
            refusals.add(answer.isError() || !answer.text().isBlank() ? answer.message() : null);
        }
        return refusals;
    }

    private Map<String, Map<String, StatRow>> stats(Collection<String> backends) {
        if (backends.size() > PER_BACKEND_LIMIT) {
            return statRows(Set.copyOf(backends), ask(List.of(ALL_STATS)).get(0));
        }
        List<String> commands = backends.stream().map(RuntimeApi::statCommand).toList();
        List<Answer> answers = askPacked(commands, false);
        Map<String, Map<String, StatRow>> stats = new LinkedHashMap<>();
        int i = 0;
        for (String backend : backends) {
            stats.put(backend, statRows(backend, answers.get(i++)));
        }
        return stats;
    }

    private Map<String, List<StateRow>> statesByBackend(Answer answer, String column, Set<String> values) {
        if (answer.isError()) {
            throw refused(answer);
        }
        Map<String, List<StateRow>> byBackend = new LinkedHashMap<>();
        stateRows(answer, column, values, row -> byBackend.computeIfAbsent(row.backend(), b -> new ArrayList<>()).add(row));
        return byBackend;
    }

    /** {@link #ask} over several exchanges when the commands do not fit one CLI line. */
    private List<Answer> askPacked(List<String> commands, boolean changes) {
        List<Answer> answers = new ArrayList<>(commands.size());
        for (List<String> line : CommandLines.pack(commands)) {
            answers.addAll(ask(line, changes));
        }
        return answers;
    }

    /**
     * The load-balancing algorithm of each of these backends as the running HAProxy has it
     * ({@code show stat B 2 -1}'s {@code algo}: "roundrobin", "static-rr", "source"...); a backend
     * whose row or column is missing (an HAProxy without the field) is left out.
     */
    public Map<String, String> algorithms(Collection<String> backends) {
        List<String> commands = new ArrayList<>();
        backends.forEach(b -> commands.add("show stat " + Names.require("backend", b) + " 2 -1"));
        List<Answer> answers = askPacked(commands, false);
        Map<String, String> algorithms = new LinkedHashMap<>();
        for (Answer answer : answers) {
            if (answer.isError()) {
                continue;
            }
            Table table = Table.csv(answer.text());
            if (!table.has("algo")) {
                continue;
            }
            for (String[] row : table.rows()) {
                String algo = table.get(row, "algo");
                if ("BACKEND".equals(table.get(row, "svname")) && algo != null && !algo.isEmpty()) {
                    algorithms.put(table.get(row, "pxname"), algo);
                }
            }
        }
        return algorithms;
    }

    /** The process id of the worker behind this socket ({@code show info}'s Pid line). */
    public int workerPid() {
        for (String line : ask(List.of("show info")).get(0).text().split("\n")) {
            if (line.startsWith("Pid:")) {
                return Integer.parseInt(line.substring(4).strip());
            }
        }
        throw new HapcException(ErrorKind.HAPROXY, "'show info' at " + target() + " has no Pid line");
    }

    /** Runs the commands after {@code set severity-output number}; returns their answers. */
    private List<Answer> ask(List<String> commands) {
        return ask(commands, false);
    }

    private List<Answer> ask(List<String> commands, boolean changes) {
        List<Answer> answers = changes ? socket.exchangeChange(withSeverity(commands))
                : socket.exchange(withSeverity(commands));
        if (answers.get(0).isError()) {
            throw refused(answers.get(0));
        }
        return answers.subList(1, answers.size());
    }

    private static List<String> withSeverity(List<String> commands) {
        List<String> line = new ArrayList<>(commands.size() + 1);
        line.add(SEVERITY);
        line.addAll(commands);
        return line;
    }

    static String statCommand(String backend) {
        return "show stat " + Names.require("backend", backend) + " " + SERVERS_ONLY + " -1";
    }

    private static String stateCommand(String backend) {
        return "show servers state " + Names.require("backend", backend);
    }

    private Map<String, ServerView> join(String backend, Answer stateAnswer, Answer statAnswer) {
        return join(stateRows(backend, stateAnswer).values(), statRows(backend, statAnswer));
    }

    private static Map<String, ServerView> join(Collection<StateRow> states, Map<String, StatRow> stats) {
        Map<String, ServerView> servers = new LinkedHashMap<>();
        states.forEach(state -> servers.put(state.server(), new ServerView(state, stats.get(state.server()))));
        return servers;
    }

    private Map<String, StateRow> stateRows(String backend, Answer answer) {
        if (answer.isError()) {
            throw answer.message().startsWith("Can't find backend") ? noSuchBackend(backend) : refused(answer);
        }
        Map<String, StateRow> rows = new LinkedHashMap<>();
        stateRows(answer, "be_name", Set.of(backend), row -> rows.put(row.server(), row));
        return rows;
    }

    /**
     * The rows of {@code show servers state} whose {@code column} holds one of {@code values},
     * each made a StateRow as soon as it is split (a whole dump is 100,000 rows).
     */
    private static void stateRows(Answer answer, String column, Set<String> values, Consumer<StateRow> each) {
        String[] needed = {"be_name", "srv_name", "srv_admin_state", "srv_op_state"};
        Map<String, String> seen = new HashMap<>();
        Table.spaced(answer.text(), column, values, STATE_COLUMNS, (table, row) -> {
            table.require(answer.command(), needed); // before reading a row, as for an answer without rows
            each.accept(stateRow(table, row, seen));
        }).require(answer.command(), needed);
    }

    /**
     * One instance of each equal name kept: 100,000 rows name 10,000 backends, 10 server names
     * and one address over and over, and the rows live as long as the call.
     */
    private static String once(Map<String, String> seen, String value) {
        String kept = seen.putIfAbsent(value, value);
        return kept == null ? value : kept;
    }

    private static StateRow stateRow(Table table, String[] row, Map<String, String> seen) {
        String port = table.get(row, "srv_port");
        return new StateRow(
                once(seen, table.get(row, "be_name")),
                once(seen, table.get(row, "srv_name")),
                new AdminBits((int) table.number(row, "srv_admin_state")),
                OperationalState.fromCode((int) table.number(row, "srv_op_state")),
                emptyToNull(once(seen, table.get(row, "srv_addr"))),
                port.isEmpty() || port.equals("0") || port.equals("-") ? null : Integer.valueOf(port),
                (int) table.number(row, "srv_uweight"),
                (int) table.number(row, "srv_iweight"),
                (int) table.number(row, "srv_agent_state"));
    }

    static Map<String, StatRow> statRows(String backend, Answer answer) {
        if (answer.isError()) {
            throw answer.message().startsWith("No such proxy") ? noSuchBackend(backend) : refused(answer);
        }
        return statRows(Set.of(backend), answer).getOrDefault(backend, Map.of());
    }

    /** The server rows of these proxies, per proxy, from a {@code show stat} of them or of all. */
    static Map<String, Map<String, StatRow>> statRows(Set<String> backends, Answer answer) {
        return statRows("pxname", backends, answer);
    }

    /** The server rows whose {@code column} holds one of {@code values}, per proxy. */
    private static Map<String, Map<String, StatRow>> statRows(String column, Set<String> values, Answer answer) {
        if (answer.isError()) {
            throw refused(answer);
        }
        String[] needed = {"pxname", "svname", "type", "scur", "qcur"};
        Map<String, Map<String, StatRow>> rows = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        // each row made a StatRow as soon as it is split (a whole dump is 100,000 rows)
        Table.csv(answer.text(), column, values, STAT_COLUMNS, (table, row) -> {
            table.require(answer.command(), needed);
            if (!table.get(row, "type").equals("2")) {
                return;
            }
            String server = once(seen, table.get(row, "svname"));
            rows.computeIfAbsent(table.get(row, "pxname"), b -> new LinkedHashMap<>()).put(server,
                    new StatRow(
                            server,
                            once(seen, table.get(row, "status")),
                            (int) table.number(row, "weight"),
                            emptyToNull(once(seen, table.get(row, "addr"))),
                            new ServerLoad(table.number(row, "scur"), table.number(row, "qcur")),
                            emptyToNull(once(seen, table.get(row, "check_status")))));
        }).require(answer.command(), needed);
        return rows;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() || value.equals("-") ? null : value;
    }

    private static HapcException noSuchBackend(String backend) {
        return HapcException.notFound("no backend '" + backend + "' in the running HAProxy");
    }

    static HapcException refused(Answer answer) {
        if (answer.isPermissionDenied()) {
            return new HapcException(ErrorKind.PERMISSION, "HAProxy refused '" + answer.command()
                    + "': permission denied; this needs a socket with 'level admin'");
        }
        if (answer.isUnknownCommand()) {
            return new HapcException(ErrorKind.HAPROXY, "HAProxy does not know the command '" + answer.command()
                    + "' (too old a version? hapc needs HAProxy 1.8 or later)");
        }
        return new HapcException(ErrorKind.HAPROXY, "HAProxy refused '" + answer.command() + "': " + answer.message());
    }

    /** A server's two views: its admin/operational state and (when listed) its stats line. */
    public record ServerView(StateRow state, StatRow stat) {
    }
}
