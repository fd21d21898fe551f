package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.AdminBits;
import hapc.model.OperationalState;
import hapc.request.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's runtime API as hapc uses it, one method per command. Every question is asked about
 * ONE backend ({@code show stat B 4 -1}, {@code show servers state B}), so the cost of a call
 * does not grow with the number of backends the HAProxy carries.
 */
public final class RuntimeApi {
    private static final String SEVERITY = "set severity-output number";
    private static final String SERVERS_ONLY = "4";

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

    /** Only the load of each server: what the drain wait polls, cheap on any HAProxy size. */
    public Map<String, ServerLoad> loads(String backend) {
        Map<String, ServerLoad> loads = new LinkedHashMap<>();
        statRows(backend, ask(List.of(statCommand(backend))).get(0)).forEach((name, row) -> loads.put(name, row.load()));
        return loads;
    }

    /**
     * Sends {@code set server B/S state X} (and {@code shutdown sessions server B/S} when asked)
     * and reads the backend back in the same exchange, so the answer shows HAProxy's state
     * right after the write.
     */
    public Map<String, ServerView> setState(String backend, String server, AdminState state, boolean killSessions) {
        String id = Names.require("backend", backend) + "/" + Names.require("server", server);
        List<String> commands = new ArrayList<>();
        commands.add("set server " + id + " state " + state.haproxyWord());
        if (killSessions) {
            commands.add("shutdown sessions server " + id);
        }
        commands.add(stateCommand(backend));
        commands.add(statCommand(backend));
        List<Answer> answers = ask(commands, true);
        int writes = commands.size() - 2;
        for (Answer write : answers.subList(0, writes)) {
            if (write.isError()) {
                throw refused(write);
            }
        }
        return join(backend, answers.get(writes), answers.get(writes + 1));
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
        Map<String, StateRow> states = stateRows(backend, stateAnswer);
        Map<String, StatRow> stats = statRows(backend, statAnswer);
        Map<String, ServerView> servers = new LinkedHashMap<>();
        states.forEach((name, state) -> servers.put(name, new ServerView(state, stats.get(name))));
        return servers;
    }

    private Map<String, StateRow> stateRows(String backend, Answer answer) {
        if (answer.isError()) {
            throw answer.message().startsWith("Can't find backend") ? noSuchBackend(backend) : refused(answer);
        }
        Table table = Table.spaced(answer.text()).require(answer.command(), "be_name", "srv_name", "srv_admin_state",
                "srv_op_state");
        Map<String, StateRow> rows = new LinkedHashMap<>();
        for (String[] row : table.rows()) {
            if (!table.get(row, "be_name").equals(backend)) {
                continue;
            }
            String port = table.get(row, "srv_port");
            rows.put(table.get(row, "srv_name"), new StateRow(
                    table.get(row, "srv_name"),
                    new AdminBits((int) table.number(row, "srv_admin_state")),
                    OperationalState.fromCode((int) table.number(row, "srv_op_state")),
                    emptyToNull(table.get(row, "srv_addr")),
                    port.isEmpty() || port.equals("0") || port.equals("-") ? null : Integer.valueOf(port),
                    (int) table.number(row, "srv_uweight")));
        }
        return rows;
    }

    static Map<String, StatRow> statRows(String backend, Answer answer) {
        if (answer.isError()) {
            throw answer.message().startsWith("No such proxy") ? noSuchBackend(backend) : refused(answer);
        }
        Table table = Table.csv(answer.text()).require(answer.command(), "pxname", "svname", "type", "scur", "qcur");
        Map<String, StatRow> rows = new LinkedHashMap<>();
        for (String[] row : table.rows()) {
            if (!table.get(row, "pxname").equals(backend) || !table.get(row, "type").equals("2")) {
                continue;
            }
            rows.put(table.get(row, "svname"), new StatRow(
                    table.get(row, "svname"),
                    table.get(row, "status"),
                    (int) table.number(row, "weight"),
                    emptyToNull(table.get(row, "addr")),
                    new ServerLoad(table.number(row, "scur"), table.number(row, "qcur")),
                    emptyToNull(table.get(row, "check_status"))));
        }
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
