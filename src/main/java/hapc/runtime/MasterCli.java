package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.Server;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master CLI of an HAProxy in master-worker mode. hapc needs it for what the admin socket
 * cannot show: the OLD workers that still hold sessions after a reload, and the reload itself.
 */
public final class MasterCli {
    private static final Pattern PROC_LINE = Pattern.compile(
            "^(\\d+)\\s+(\\S+)\\s+(\\d+)(?:\\s+\\[failed:\\s*(\\d+)\\])?\\s+(\\S+)(?:\\s+(\\S+))?");

    private final AdminSocket socket;

    public MasterCli(AdminSocket socket) {
        this.socket = socket;
    }

    public SocketTarget target() {
        return socket.target();
    }

    public List<Process> processes() {
        List<Process> processes = parseProcesses(socket.exchange(List.of("show proc")).get(0).text());
        if (processes.stream().noneMatch(p -> p.role() == Process.Role.MASTER)) {
            throw new HapcException(ErrorKind.HAPROXY, "the master CLI at " + socket.target()
                    + " did not list a master process in 'show proc': is it a master CLI?");
        }
        return processes;
    }

    /** {@code show proc}: sections "# workers", "# old workers", "# programs" follow the master line. */
    static List<Process> parseProcesses(String text) {
        List<Process> processes = new ArrayList<>();
        String section = "";
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                section = line.startsWith("#<") ? "" : line.substring(1).strip();
                continue;
            }
            Matcher m = PROC_LINE.matcher(line.strip());
            if (!m.find() || section.equals("programs")) {
                continue;
            }
            Process.Role role = m.group(2).equals("master") ? Process.Role.MASTER
                    : section.equals("old workers") ? Process.Role.OLD : Process.Role.CURRENT;
            processes.add(new Process(Integer.parseInt(m.group(1)), role, Integer.valueOf(m.group(3)),
                    m.group(4) == null ? null : Integer.valueOf(m.group(4)), m.group(5), m.group(6)));
        }
        return processes;
    }

    /**
     * The load each old worker still carries on the servers of these backends: pid -> backend ->
     * server -> load. A worker that never had a backend (it was added by the reload) answers
     * "No such proxy": it holds nothing there. Many backends are read from one whole dump.
     */
    public Map<Integer, Map<String, Map<String, ServerLoad>>> oldWorkerLoads(List<Process> oldWorkers,
            Collection<String> backends) {
        Map<Integer, Map<String, Map<String, ServerLoad>>> loads = new LinkedHashMap<>();
        if (oldWorkers.isEmpty()) {
            return loads;
        }
        boolean whole = backends.size() > RuntimeApi.PER_BACKEND_LIMIT;
        Set<String> wanted = Set.copyOf(backends);
        for (Process worker : oldWorkers) {
            List<String> commands = new ArrayList<>();
            if (whole) {
                commands.add("@!" + worker.pid() + " show stat -1 4 -1");
            } else {
                backends.forEach(backend -> commands.add("@!" + worker.pid() + " " + RuntimeApi.statCommand(backend)));
            }
            Map<String, Map<String, ServerLoad>> perBackend = new LinkedHashMap<>();
            for (List<String> line : CommandLines.pack(commands)) {
                for (Answer answer : socket.exchange(line)) {
                    if (!answer.text().startsWith("#")) {
                        // Only two answers mean "nothing there": a backend the worker never had,
                        // and a worker that has exited since show proc. Anything else is a read
                        // that failed, never zero sessions (check-safe-to-remove must not say safe).
                        String said = answer.message();
                        if (said.startsWith("No such proxy") || said.startsWith("Can't find the target PID")) {
                            continue;
                        }
                        throw new HapcException(ErrorKind.HAPROXY, "old worker " + worker.pid() + " did not answer '"
                                + answer.command() + "' (" + (said.isEmpty() ? "empty answer" : said)
                                + "): its sessions are unknown");
                    }
                    RuntimeApi.statRows(wanted, answer).forEach((backend, rows) -> {
                        Map<String, ServerLoad> perServer = perBackend.computeIfAbsent(backend,
                                b -> new LinkedHashMap<>());
                        rows.forEach((name, row) -> perServer.put(name, row.load()));
                    });
                }
            }
            loads.put(worker.pid(), perBackend);
        }
        return loads;
    }

    /**
     * Kills the sessions of these servers in old workers, which the admin socket cannot reach.
     *
     * @return per target id ("backend/server"), an old worker's refusal of the kill; empty when
     *         every worker took it (or had exited, or never had the backend)
     */
    public Map<String, String> shutdownSessions(List<Process> oldWorkers, List<Server> servers) {
        List<String> commands = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (Process worker : oldWorkers) {
            servers.forEach(s -> {
                commands.add("@!" + worker.pid() + " " + Commands.shutdownSessions(s.backend(), s.name()));
                owners.add(s.backend() + "/" + s.name());
            });
        }
        Map<String, String> refused = new LinkedHashMap<>();
        int i = 0;
        for (List<String> line : CommandLines.pack(commands)) {
            for (Answer answer : socket.exchangeChange(line)) {
                String said = answer.message();
                // shutdown sessions answers nothing when taken
                if (!said.isEmpty() && !said.startsWith("Can't find the target PID") && !said.startsWith("No such")
                        && i < owners.size()) {
                    refused.putIfAbsent(owners.get(i), "an old worker refused '" + answer.command() + "': " + said);
                }
                i++;
            }
        }
        return refused;
    }

    /**
     * Sends {@code reload}; from 2.7 the answer starts with {@code Success=1} or {@code Success=0},
     * up to 2.6 it is empty (check {@code show proc} instead).
     */
    public String reload() {
        return socket.exchangeWhole("reload");
    }
}
