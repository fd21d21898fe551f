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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * HAProxy's runtime API as hapc uses it, one method per command. Every question is asked about
 * the backends and servers concerned ({@code show servers state B}, {@code show stat <iid> 4
 * <sid>}, {@code get weight B/S}), batched into as few lines as the CLI takes, and every answer
 * is read as it arrives, keeping only the rows asked for: the cost of a call follows its targets,
 * not the size of the HAProxy. A whole dump is read only where it is the cheaper way to the same
 * rows, and at most once per read.
 */
public final class RuntimeApi {
    private static final String SEVERITY = "set severity-output number";
    private static final String SERVERS_ONLY = "4";
    private static final String ALL_STATES = "show servers state";
    private static final String ALL_STATS = "show stat -1 " + SERVERS_ONLY + " -1";
    /** The columns read from {@code show servers state} and {@code show stat}: only these are split out. */
    private static final Set<String> STATE_COLUMNS = Set.of("be_id", "be_name", "srv_id", "srv_name",
            "srv_admin_state", "srv_op_state", "srv_addr", "srv_port", "srv_uweight", "srv_iweight",
            "srv_agent_state");
    private static final Set<String> STAT_COLUMNS = Set.of("pxname", "svname", "type", "status", "weight", "addr",
            "scur", "qcur", "check_status", "bck");
    private static final String[] STATE_NEEDED = {"be_id", "be_name", "srv_id", "srv_name", "srv_admin_state",
        "srv_op_state"};
    private static final String[] STAT_NEEDED = {"pxname", "svname", "type", "scur", "qcur"};
    /**
     * Beyond this many backends, the servers of each are no longer asked with a {@code show stat}
     * of the backend: HAProxy walks every proxy to answer one (about 1 ms on 10,000 backends).
     */
    static final int PER_BACKEND_LIMIT = 32;
    /** Up to this many (backend, server) pairs, asking each costs less than the whole state dump. */
    static final long PROBE_LIMIT = 20_000;
    /**
     * Up to this many targets of one server id, the stats of each are asked alone ({@code show
     * stat <iid> 4 <sid>}, 1.6 kB and one walk of the proxies each); beyond, one {@code show stat
     * -1 4 <sid>} answers that id in every backend in one walk (on 10,000 backends, 2.2 MB).
     */
    static final int PER_SERVER_LIMIT = 16;

    private final AdminSocket socket;
    /** Every name read by this API, kept once for the whole call. */
    private final SeenNames seen = new SeenNames();

    public RuntimeApi(AdminSocket socket) {
        this.socket = socket;
    }

    public SocketTarget target() {
        return socket.target();
    }

    /** Bytes read from HAProxy by this API so far. */
    public long bytesRead() {
        return socket.bytesRead();
    }

    public List<String> backendNames() {
        List<String> names = new ArrayList<>();
        StringBuilder severity = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        List<String> line = withSeverity(List.of("show backend"));
        socket.exchange(line, (command, text) -> {
            if (command == 0) {
                severity.append(text);
            } else if (text.startsWith("[") || !refusal.isEmpty()) {
                refusal.append(refusal.isEmpty() ? "" : "\n").append(text);
            } else if (!text.startsWith("#") && !InternalProxy.is(text.strip())) {
                names.add(text.strip());
            }
        });
        checkSeverity(severity);
        if (!refusal.isEmpty()) {
            throw refusal(new Answer("show backend", refusal.toString()));
        }
        return names;
    }

    /** The servers of a backend, in configuration order, as the current worker sees them. */
    public Map<String, ServerView> servers(String backend) {
        return read(List.of(backend)).get(backend);
    }

    /**
     * The servers of these backends, as {@link #servers} gives them for one. Up to
     * {@link #PER_BACKEND_LIMIT} backends are asked about one by one (packed into as few lines as
     * the CLI takes); beyond that, one whole dump of each table is cheaper than thousands of
     * commands (what waits and ramps over many backends poll), only the rows of these backends kept.
     */
    public Map<String, Map<String, ServerView>> read(Collection<String> backends) {
        return read(backends, false);
    }

    /**
     * As {@link #read(Collection)}, except that a backend this worker does not have is left out
     * of the answer instead of being an error: what a wait reads, since a reload may remove a
     * backend it watches from the config.
     */
    public Map<String, Map<String, ServerView>> readPresent(Collection<String> backends) {
        return read(backends, true);
    }

    private Map<String, Map<String, ServerView>> read(Collection<String> backends, boolean presentOnly) {
        if (backends.size() > PER_BACKEND_LIMIT) {
            Set<String> wanted = Set.copyOf(backends);
            Map<String, Map<String, StateRow>> states = wholeStates("be_name", wanted);
            Map<String, Map<String, StatRow>> stats = wholeStats(wanted);
            Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
            for (String backend : backends) {
                Map<String, StateRow> rows = states.get(backend);
                if (rows == null) {
                    // (a backend without servers has no row either: it has nothing to wait for)
                    if (presentOnly) {
                        continue;
                    }
                    throw noSuchBackend(backend);
                }
                servers.put(backend, join(rows.values(), stats.getOrDefault(backend, Map.of())));
            }
            return servers;
        }
        // state and stats of each backend in the same exchange: one backend is one round trip
        Map<String, Map<String, StateRow>> states = new LinkedHashMap<>();
        Map<String, Map<String, StatRow>> stats = new LinkedHashMap<>();
        Set<String> missing = new HashSet<>();
        List<TableAnswer> answers = new ArrayList<>();
        for (String backend : backends) {
            Map<String, StateRow> rows = states.computeIfAbsent(backend, b -> new LinkedHashMap<>());
            Function<Answer, RuntimeException> stateError = stateRefusal(backend);
            answers.add(stateAnswer(stateCommand(backend), "be_name", Set.of(backend), row -> rows.put(row.server(), row),
                    !presentOnly ? stateError : answer -> {
                        RuntimeException e = stateError.apply(answer);
                        if (e instanceof HapcException h && h.kind() == ErrorKind.NOT_FOUND) {
                            missing.add(backend);
                            return null;
                        }
                        return e;
                    }));
            answers.add(statAnswer(backend, stats, presentOnly ? missing : null));
        }
        askTables(answers);
        Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
        backends.stream().filter(backend -> !missing.contains(backend)).forEach(backend -> servers.put(backend,
                join(states.get(backend).values(), stats.getOrDefault(backend, Map.of()))));
        return servers;
    }

    /**
     * Only the servers of these names in these backends, as {@link #read(Collection)} gives them
     * (a backend holding none of them maps to no server): what a read-back after a write needs.
     * Beyond {@link #PER_BACKEND_LIMIT} backends, the state of each backend is asked on its own
     * ({@code show servers state B}, only these names' rows kept) and the stats of those servers
     * only ({@link #statsOf}): draining s5 in 10,000 backends reads back 10,000 rows, no whole dump.
     */
    public Map<String, Map<String, ServerView>> read(Collection<String> backends, Set<String> serverNames) {
        if (backends.size() <= PER_BACKEND_LIMIT) { // the per-backend commands answer every server anyway
            Map<String, Map<String, ServerView>> servers = read(backends);
            servers.values().forEach(views -> views.keySet().retainAll(serverNames));
            return servers;
        }
        Map<String, Map<String, StateRow>> states = new LinkedHashMap<>();
        List<TableAnswer> answers = new ArrayList<>(backends.size());
        for (String backend : backends) {
            Map<String, StateRow> rows = states.computeIfAbsent(backend, b -> new LinkedHashMap<>());
            answers.add(stateAnswer(stateCommand(backend), "srv_name", serverNames, row -> rows.put(row.server(), row),
                    stateRefusal(backend)));
        }
        askTables(answers);
        return withStats(states, serverNames);
    }

    /**
     * Every backend that has a server of one of these exact names, with all its servers (the
     * capacity guard needs the others too; their stats are not read, only the named servers').
     *
     * <p>Which backends hold them is asked cheaply first: {@code show backend}, then {@code get
     * weight B/S} for every pair (on 10,000 backends, 16 lines and 150 kB answered in ~60 ms,
     * where the whole {@code show servers state} is 6.9 MB). Then the states of those backends:
     * each asked on its own, or, when they are more than half of all, one whole dump (one header
     * for 100,000 rows instead of one per backend: 6.9 MB instead of 10.3 MB on 10,000). With many
     * names the pairs outgrow the dump, and the dump alone answers both questions.
     */
    public Map<String, Map<String, ServerView>> locate(Set<String> serverNames) {
        List<String> backends = backendNames();
        if ((long) backends.size() * serverNames.size() > PROBE_LIMIT) {
            return withStats(statesOfBackendsHolding(serverNames), serverNames);
        }
        Set<String> holding = holding(backends, serverNames);
        if (holding.size() <= PER_BACKEND_LIMIT) {
            return holding.isEmpty() ? Map.of() : read(holding);
        }
        Map<String, Map<String, StateRow>> states;
        if (holding.size() * 2 > backends.size()) {
            Map<String, Map<String, StateRow>> all = wholeStates("be_name", holding);
            states = new LinkedHashMap<>();
            holding.forEach(backend -> states.put(backend, all.getOrDefault(backend, Map.of())));
        } else {
            states = new LinkedHashMap<>();
            List<TableAnswer> answers = new ArrayList<>(holding.size());
            for (String backend : holding) {
                Map<String, StateRow> rows = states.computeIfAbsent(backend, b -> new LinkedHashMap<>());
                answers.add(stateAnswer(stateCommand(backend), null, null, row -> rows.put(row.server(), row),
                        stateRefusal(backend)));
            }
            askTables(answers);
        }
        return withStats(states, serverNames);
    }

    /** These state rows joined with the stats of the servers of these names among them, read now. */
    private Map<String, Map<String, ServerView>> withStats(Map<String, Map<String, StateRow>> states,
            Set<String> serverNames) {
        List<StateRow> named = new ArrayList<>();
        states.values().forEach(rows -> rows.values().forEach(row -> {
            if (serverNames.contains(row.server())) {
                named.add(row);
            }
        }));
        Map<String, Map<String, StatRow>> stats = statsOf(named);
        Map<String, Map<String, ServerView>> servers = new LinkedHashMap<>();
        states.forEach((backend, rows) -> servers.put(backend, join(rows.values(), stats.getOrDefault(backend, Map.of()))));
        return servers;
    }

    /**
     * The stats of exactly these servers, per backend: by their numeric ids, each alone or, for
     * an id many of them share, in one walk of every backend (see {@link #PER_SERVER_LIMIT}),
     * keeping only their rows.
     */
    private Map<String, Map<String, StatRow>> statsOf(List<StateRow> servers) {
        Map<Integer, List<StateRow>> byId = new LinkedHashMap<>();
        servers.forEach(row -> byId.computeIfAbsent(row.id(), id -> new ArrayList<>()).add(row));
        Map<String, Set<String>> wanted = new HashMap<>();
        servers.forEach(row -> wanted.computeIfAbsent(row.backend(), b -> new HashSet<>()).add(row.server()));
        Map<String, Map<String, StatRow>> stats = new HashMap<>();
        Consumer<ProxyStat> keep = row -> {
            if (wanted.getOrDefault(row.backend(), Set.of()).contains(row.row().server())) {
                stats.computeIfAbsent(row.backend(), b -> new HashMap<>()).put(row.row().server(), row.row());
            }
        };
        List<TableAnswer> answers = new ArrayList<>();
        byId.forEach((id, rows) -> {
            if (rows.size() <= PER_SERVER_LIMIT) {
                rows.forEach(row -> answers.add(statAnswer("show stat " + row.backendId() + " " + SERVERS_ONLY + " " + id,
                        "svname", Set.of(row.server()), keep)));
            } else {
                Set<String> names = new HashSet<>();
                rows.forEach(row -> names.add(row.server()));
                answers.add(statAnswer("show stat -1 " + SERVERS_ONLY + " " + id, "svname", names, keep));
            }
        });
        askTables(answers);
        return stats;
    }

    /**
     * The state rows of every backend holding one of these server names, from one whole dump read
     * as it arrives: its rows come grouped by backend, and a backend's rows are kept only once
     * one of them has turned out to be one of these names.
     */
    private Map<String, Map<String, StateRow>> statesOfBackendsHolding(Set<String> serverNames) {
        Map<String, Map<String, StateRow>> holding = new LinkedHashMap<>();
        Map<String, StateRow> current = new LinkedHashMap<>();
        boolean[] named = {false};
        String[] backend = {null};
        Runnable close = () -> {
            if (named[0]) {
                holding.put(backend[0], new LinkedHashMap<>(current));
            }
            current.clear();
            named[0] = false;
        };
        askTables(List.of(stateAnswer(ALL_STATES, null, null, row -> {
            if (!row.backend().equals(backend[0])) {
                close.run();
                backend[0] = row.backend();
            }
            current.put(row.server(), row);
            named[0] |= serverNames.contains(row.server());
        }, this::refusal)));
        close.run();
        return holding;
    }

    /** The backends, in HAProxy's order, that have a server of one of these names ({@code get weight}). */
    private Set<String> holding(List<String> backends, Set<String> serverNames) {
        List<String> commands = new ArrayList<>(backends.size() * serverNames.size());
        for (String backend : backends) {
            for (String server : serverNames) {
                commands.add("get weight " + Commands.id(backend, server));
            }
        }
        // each answer is one line: a weight, or "[3]: No such server." (read as it comes, no Answer kept)
        Set<String> holding = new LinkedHashSet<>();
        int done = 0;
        for (List<String> line : CommandLines.pack(commands)) {
            int first = done;
            StringBuilder severity = new StringBuilder();
            List<Answer> refusals = new ArrayList<>();
            socket.exchange(withSeverity(line), (command, text) -> {
                if (command == 0) {
                    severity.append(text);
                } else if (!text.startsWith("[")) {
                    holding.add(backends.get((first + command - 1) / serverNames.size()));
                } else {
                    Answer answer = new Answer(line.get(command - 1), text);
                    if (answer.isError() && !answer.message().startsWith("No such")) {
                        refusals.add(answer);
                    }
                }
            });
            checkSeverity(severity);
            if (!refusals.isEmpty()) {
                throw refusal(refusals.get(0));
            }
            done += line.size();
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
     * Sends write commands, one group per target, packed into as few lines as the CLI takes
     * without splitting a group over two lines, and says what became of each command. A line
     * whose exchange breaks after it went out is never re-sent (it may have been taken), and no
     * later line is sent: its commands are failed, the later ones not attempted, and the broken
     * exchange's error travels in {@link Written#broken()}.
     *
     * <p>When the first line breaks before anything could be taken (it never left: nothing
     * listens, no permission, an unknown command), the error is thrown as it is: the write did
     * nothing at all.
     */
    public Written write(List<List<String>> groups) {
        List<List<String>> lines = CommandLines.packGroups(groups);
        int total = groups.stream().mapToInt(List::size).sum();
        List<WriteFate> fates = new ArrayList<>(total);
        List<String> refusals = new ArrayList<>(total);
        HapcException broken = null;
        int brokenAt = 0;
        for (int l = 0; l < lines.size(); l++) {
            List<String> line = lines.get(l);
            if (broken != null) {
                add(fates, refusals, line.size(), WriteFate.NOT_ATTEMPTED);
                continue;
            }
            List<Answer> answers;
            try {
                answers = ask(line, true);
            } catch (HapcException e) {
                boolean left = socket.lastLineSent();
                if (l == 0 && !left) {
                    throw e;
                }
                broken = e;
                brokenAt = l + 1;
                add(fates, refusals, line.size(), left ? WriteFate.FAILED : WriteFate.NOT_ATTEMPTED);
                continue;
            }
            for (Answer answer : answers) {
                if (answer.isPermissionDenied() || answer.isUnknownCommand()) {
                    if (l == 0) {
                        throw refusal(answer);
                    }
                    broken = broken == null ? refusal(answer) : broken;
                    brokenAt = l + 1;
                }
                boolean refused = answer.isError() || !answer.text().isBlank();
                fates.add(refused ? WriteFate.REFUSED : WriteFate.APPLIED);
                refusals.add(refused ? answer.message() : null);
            }
        }
        return new Written(fates, refusals, broken, lines.size(), brokenAt);
    }

    private static void add(List<WriteFate> fates, List<String> refusals, int count, WriteFate fate) {
        for (int i = 0; i < count; i++) {
            fates.add(fate);
            refusals.add(null);
        }
    }

    private Map<String, Map<String, StatRow>> stats(Collection<String> backends) {
        if (backends.size() > PER_BACKEND_LIMIT) {
            return wholeStats(Set.copyOf(backends));
        }
        Map<String, Map<String, StatRow>> stats = new LinkedHashMap<>();
        List<TableAnswer> answers = new ArrayList<>();
        for (String backend : backends) {
            stats.put(backend, new LinkedHashMap<>());
            answers.add(statAnswer(backend, stats, null));
        }
        askTables(answers);
        return stats;
    }

    /** The state rows whose {@code column} holds one of {@code values}, from one whole dump read as it arrives. */
    private Map<String, Map<String, StateRow>> wholeStates(String column, Set<String> values) {
        Map<String, Map<String, StateRow>> byBackend = new LinkedHashMap<>();
        askTables(List.of(stateAnswer(ALL_STATES, column, values,
                row -> {
                    if (!InternalProxy.is(row.backend())) {
                        byBackend.computeIfAbsent(row.backend(), b -> new LinkedHashMap<>()).put(row.server(), row);
                    }
                }, this::refusal)));
        return byBackend;
    }

    /** The server stats of these proxies, from one whole dump read as it arrives. */
    private Map<String, Map<String, StatRow>> wholeStats(Set<String> backends) {
        Map<String, Map<String, StatRow>> stats = new LinkedHashMap<>();
        askTables(List.of(statAnswer(ALL_STATS, "pxname", backends,
                row -> stats.computeIfAbsent(row.backend(), b -> new LinkedHashMap<>()).put(row.row().server(), row.row()))));
        return stats;
    }

    /**
     * Sends the commands of these answers, packed into as few lines as the CLI takes, each line
     * after {@code set severity-output number}; each answer is read as its lines arrive, and
     * checked once whole.
     */
    private void askTables(List<TableAnswer> answers) {
        List<String> commands = answers.stream().map(TableAnswer::command).toList();
        int done = 0;
        for (List<String> line : CommandLines.pack(commands)) {
            int first = done;
            StringBuilder severity = new StringBuilder();
            socket.exchange(withSeverity(line), (command, text) -> {
                if (command == 0) {
                    severity.append(text);
                } else {
                    answers.get(first + command - 1).line(text);
                }
            });
            checkSeverity(severity);
            for (int i = first; i < first + line.size(); i++) {
                answers.get(i).finish(answers.get(i).command().startsWith("show stat") ? STAT_NEEDED : STATE_NEEDED);
            }
            done += line.size();
        }
    }

    private static void checkSeverity(StringBuilder answer) {
        Answer severity = new Answer(SEVERITY, answer.toString());
        if (severity.isError()) {
            throw refused(severity); // unknown: before 1.8, which refused() says without asking the version
        }
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
            throw refusal(answers.get(0));
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

    private static Map<String, ServerView> join(Collection<StateRow> states, Map<String, StatRow> stats) {
        Map<String, ServerView> servers = new LinkedHashMap<>();
        states.forEach(state -> servers.put(state.server(), new ServerView(state, stats.get(state.server()))));
        return servers;
    }

    private Function<Answer, RuntimeException> stateRefusal(String backend) {
        return answer -> answer.message().startsWith("Can't find backend") ? noSuchBackend(backend) : refusal(answer);
    }

    /**
     * A {@code show servers state} answer whose rows with {@code column} in {@code values} (all
     * when null) are each made a StateRow as soon as they arrive; equal names kept once.
     */
    private TableAnswer stateAnswer(String command, String column, Set<String> values, Consumer<StateRow> each,
            Function<Answer, RuntimeException> onError) {
        return new TableAnswer(command, () -> Table.spacedReader(column, values, STATE_COLUMNS, (table, row) -> {
            table.require(command, STATE_NEEDED); // before reading a row, as for an answer without rows
            each.accept(stateRow(table, row, seen));
        }), onError);
    }

    /**
     * {@code show stat B 4 -1}: every server row of the backend into {@code stats}.
     *
     * @param missing where a backend this worker does not have goes, when that is no error; null: it is one
     */
    private TableAnswer statAnswer(String backend, Map<String, Map<String, StatRow>> stats, Set<String> missing) {
        return new TableAnswer(statCommand(backend), () -> Table.csvReader("pxname", Set.of(backend), STAT_COLUMNS,
                statVisitor(statCommand(backend), seen, row -> stats.computeIfAbsent(backend, b -> new LinkedHashMap<>())
                        .put(row.row().server(), row.row()))),
                answer -> {
                    if (!answer.message().startsWith("No such proxy")) {
                        return refusal(answer);
                    }
                    if (missing == null) {
                        return noSuchBackend(backend);
                    }
                    missing.add(backend);
                    return null;
                });
    }

    /** A {@code show stat} answer whose server rows with {@code column} in {@code values} go to {@code each}. */
    private TableAnswer statAnswer(String command, String column, Set<String> values, Consumer<ProxyStat> each) {
        return new TableAnswer(command, () -> Table.csvReader(column, values, STAT_COLUMNS, statVisitor(command, seen, each)),
                this::refusal);
    }

    private static Table.RowVisitor statVisitor(String command, SeenNames seen, Consumer<ProxyStat> each) {
        return (table, row) -> {
            table.require(command, STAT_NEEDED);
            if (table.get(row, "type").equals("2")) {
                each.accept(new ProxyStat(seen.once(table.get(row, "pxname")), statRow(table, row, seen)));
            }
        };
    }

    private static StateRow stateRow(Table table, String[] row, SeenNames seen) {
        String port = table.get(row, "srv_port");
        return new StateRow(
                seen.once(table.get(row, "be_name")),
                seen.once(table.get(row, "srv_name")),
                adminBits((int) table.number(row, "srv_admin_state")),
                OperationalState.fromCode((int) table.number(row, "srv_op_state")),
                emptyToNull(seen.once(table.get(row, "srv_addr"))),
                port.isEmpty() || port.equals("0") || port.equals("-") ? null : Integer.valueOf(port),
                (int) table.number(row, "srv_uweight"),
                (int) table.number(row, "srv_iweight"),
                (int) table.number(row, "srv_agent_state"),
                (int) table.number(row, "be_id"),
                (int) table.number(row, "srv_id"));
    }

    /** The six bits' 64 values, made once: 100,000 rows share them. */
    private static final List<AdminBits> ADMIN_BITS = IntStream.range(0, 64)
            .mapToObj(AdminBits::new).toList();

    private static AdminBits adminBits(int value) {
        return value >= 0 && value < ADMIN_BITS.size() ? ADMIN_BITS.get(value) : new AdminBits(value);
    }

    private static StatRow statRow(Table table, String[] row, SeenNames seen) {
        return new StatRow(
                seen.once(table.get(row, "svname")),
                seen.once(table.get(row, "status")),
                (int) table.number(row, "weight"),
                emptyToNull(seen.once(table.get(row, "addr"))),
                new ServerLoad(table.number(row, "scur"), table.number(row, "qcur")),
                emptyToNull(seen.once(table.get(row, "check_status"))),
                table.get(row, "bck").equals("1"));
    }

    /**
     * A reader of a {@code show stat} answer (of these proxies or of all) that hands each server
     * row of these proxies, with its proxy, to {@code each} as it is read: the master CLI's.
     */
    static Table.Reader statReader(String command, Set<String> backends, BiConsumer<String, StatRow> each) {
        return Table.csvReader("pxname", backends, STAT_COLUMNS,
                statVisitor(command, new SeenNames(), row -> each.accept(row.backend(), row.row())));
    }

    static void requireStatColumns(Table.Reader reader, String command) {
        reader.table().require(command, STAT_NEEDED);
    }

    /** The server rows of these proxies, per proxy, from a {@code show stat} of them or of all. */
    static Map<String, Map<String, StatRow>> statRows(Set<String> backends, Answer answer) {
        if (answer.isError()) {
            throw refused(answer);
        }
        Map<String, Map<String, StatRow>> rows = new LinkedHashMap<>();
        Table.csv(answer.text(), "pxname", backends, STAT_COLUMNS, statVisitor(answer.command(), new SeenNames(),
                row -> rows.computeIfAbsent(row.backend(), b -> new LinkedHashMap<>()).put(row.row().server(), row.row())))
                .require(answer.command(), STAT_NEEDED);
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
            return unsupported(answer, null);
        }
        return new HapcException(ErrorKind.HAPROXY, "HAProxy refused '" + answer.command() + "': " + answer.message());
    }

    /** An "Unknown command" answer: this version lacks what hapc needs, never read as an empty answer. */
    static HapcException unsupported(Answer answer, String version) {
        String command = answer.command().replaceFirst("^@!?\\d+ ", "");
        // the command's words up to the first name hapc filled in ("set server", "show servers state")
        String[] words = command.split(" ");
        StringBuilder named = new StringBuilder(words[0]);
        for (int i = 1; i < words.length && i < 3 && words[i].matches("[a-z-]+") && !words[i].contains("/"); i++) {
            named.append(' ').append(words[i]);
        }
        if (version == null && answer.command().equals(SEVERITY)) {
            version = "before 1.8";
        }
        return new HapcException(ErrorKind.UNSUPPORTED, "HAProxy " + (version == null ? "(this version)" : version)
                + " does not have the runtime command '" + named + "' that hapc needs here (it answered '"
                + answer.message() + "' to '" + answer.command() + "')");
    }

    /** {@link #refused}, with the version of the HAProxy behind this socket when the command is unknown to it. */
    private HapcException refusal(Answer answer) {
        if (!answer.isUnknownCommand()) {
            return refused(answer);
        }
        // 'set severity-output' came with 1.8: unknown, it dates the HAProxy without asking it more
        return unsupported(answer, answer.command().equals(SEVERITY) ? null : version());
    }

    /** {@code show info}'s Version, for an error message; null when it cannot be read. */
    private String version() {
        try {
            for (String line : socket.exchange(List.of("show info")).get(0).text().split("\n")) {
                if (line.startsWith("Version:")) {
                    return line.substring(8).strip();
                }
            }
        } catch (HapcException e) {
            // the error being reported matters more than the version in its message
        }
        return null;
    }

    /** A server's stats row with the proxy it was listed under. */
    private record ProxyStat(String backend, StatRow row) {
    }

    /** A server's two views: its admin/operational state and (when listed) its stats line. */
    public record ServerView(StateRow state, StatRow stat) {
    }
}
