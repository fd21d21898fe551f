package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.Server;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
    /** Before 2.5: a relative PID ("1", or "[was: 1]" for an old worker) after the type; no failed count. */
    private static final Pattern PROC_LINE_RELATIVE = Pattern.compile(
            "^(\\d+)\\s+(\\S+)\\s+(?:\\d+|\\[was:\\s*\\d+\\])\\s+(\\d+)()\\s+(\\S+)(?:\\s+(\\S+))?");

    /** A {@code show sess} line's backend and server: {@code ... fe=db be=db srv=db1 ts=00 ...}. */
    private static final Pattern SESSION_LINE = Pattern.compile(" be=(\\S+) srv=(\\S+) ");
    /** The same line with the session's id, which {@code shutdown session} takes: {@code 0x55d1...: proto=...}. */
    private static final Pattern SESSION_ID_LINE = Pattern.compile("^(0x[0-9a-fA-F]+): .* be=(\\S+) srv=(\\S+) ");

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

    /**
     * {@code show proc}: sections "# workers", "# old workers", "# programs" follow the master
     * line, in one of two formats told apart by the header line:
     * <pre>
     * up to 2.4: #&lt;PID&gt; &lt;type&gt; &lt;relative PID&gt; &lt;reloads&gt; &lt;uptime&gt; &lt;version&gt;
     *            (an old worker's relative PID is "[was: 1]")
     * from 2.5:  #&lt;PID&gt; &lt;type&gt; &lt;reloads&gt; &lt;uptime&gt; &lt;version&gt;
     *            (the master's reloads are followed by "[failed: N]")
     * </pre>
     * Reading 2.2's columns as 2.5's took the relative PID for the reloads and the reloads for
     * the uptime; the header says which it is, so no version number is needed.
     */
    static List<Process> parseProcesses(String text) {
        List<Process> processes = new ArrayList<>();
        String section = "";
        boolean relativePid = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#<")) {
                relativePid = line.contains("<relative PID>");
                section = "";
                continue;
            }
            if (line.startsWith("#")) {
                section = line.substring(1).strip();
                continue;
            }
            Matcher m = (relativePid ? PROC_LINE_RELATIVE : PROC_LINE).matcher(line.strip());
            if (!m.find() || section.equals("programs")) {
                continue;
            }
            Process.Role role = m.group(2).equals("master") ? Process.Role.MASTER
                    : section.equals("old workers") ? Process.Role.OLD : Process.Role.CURRENT;
            processes.add(new Process(Integer.parseInt(m.group(1)), role, Integer.valueOf(m.group(3)),
                    m.group(4) == null || m.group(4).isEmpty() ? null : Integer.valueOf(m.group(4)), m.group(5), m.group(6)));
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
            boolean[] statAnswered = {false};
            for (List<String> line : CommandLines.pack(commands)) {
                // each answer read as it arrives; one that is no table is kept to be judged below
                Table.Reader[] readers = new Table.Reader[line.size()];
                StringBuilder[] notTables = new StringBuilder[line.size()];
                socket.exchange(line, (command, text) -> {
                    if (readers[command] == null && notTables[command] == null) {
                        if (text.startsWith("#")) {
                            statAnswered[0] = true;
                            readers[command] = RuntimeApi.statReader(line.get(command), wanted, (backend, row) ->
                                    perBackend.computeIfAbsent(backend, b -> new LinkedHashMap<>())
                                            .put(row.server(), row.load()));
                        } else {
                            notTables[command] = new StringBuilder();
                        }
                    }
                    if (readers[command] != null) {
                        readers[command].line(text);
                    } else {
                        notTables[command].append(notTables[command].isEmpty() ? "" : "\n").append(text);
                    }
                });
                for (int i = 0; i < readers.length; i++) {
                    if (readers[i] != null) {
                        RuntimeApi.requireStatColumns(readers[i], line.get(i));
                        continue;
                    }
                    // Only two answers mean "nothing there": a backend the worker never had, and a
                    // worker that has exited since show proc. Anything else is a read that failed,
                    // never zero sessions (check-safe-to-remove must not say safe).
                    Answer answer = new Answer(line.get(i), notTables[i] == null ? "" : notTables[i].toString());
                    String said = answer.message();
                    if (said.startsWith("No such proxy") || said.startsWith("Can't find the target PID")) {
                        continue;
                    }
                    throw new HapcException(ErrorKind.HAPROXY, "old worker " + worker.pid() + " did not answer '"
                            + answer.command() + "' (" + (said.isEmpty() ? "empty answer" : said)
                            + "): its sessions are unknown");
                }
            }
            if (statAnswered[0] && perBackend.isEmpty()) {
                // Up to 2.4 (seen on 2.2.9) an old worker's show stat leaves its stopped proxies
                // out: the header and no row, as if it held nothing. Its show sess still lists
                // every session with its backend and server. (No server rows at all can also mean
                // backends without servers: then show sess finds nothing there either.)
                loads.put(worker.pid(), sessionsBySession(worker, wanted));
            } else {
                loads.put(worker.pid(), perBackend);
            }
        }
        return loads;
    }

    /**
     * Kills the sessions of these servers in old workers, which the admin socket cannot reach. An
     * old worker refuses {@code shutdown sessions server B/S} ("Proxy is disabled.": a reload
     * stops every proxy of the old worker; seen on 2.2, 2.6 and 3.0), so each session of theirs
     * is found in the worker's {@code show sess} and killed by its id ({@code shutdown session
     * 0x...}), which a stopped proxy does not prevent.
     *
     * @return per target id ("backend/server"), an old worker's refusal of a kill; empty when
     *         every kill was taken (or its session, or its worker, had ended meanwhile); returned
     *         once the workers left without sessions have exited ({@link #awaitExit})
     */
    public Map<String, String> shutdownSessions(List<Process> oldWorkers, List<Server> servers) {
        Set<String> wanted = new HashSet<>();
        servers.forEach(s -> wanted.add(s.backend() + "/" + s.name()));
        List<String> commands = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        Set<Integer> killedIn = new HashSet<>();
        for (Process worker : oldWorkers) {
            if (wanted.isEmpty()) {
                break;
            }
            Answer sessions = socket.exchange(List.of("@!" + worker.pid() + " show sess")).get(0);
            for (String line : sessions.text().split("\n")) {
                Matcher m = SESSION_ID_LINE.matcher(line);
                if (m.find() && wanted.contains(m.group(2) + "/" + m.group(3))) {
                    killedIn.add(worker.pid());
                    commands.add("@!" + worker.pid() + " shutdown session " + m.group(1));
                    owners.add(m.group(2) + "/" + m.group(3));
                }
            }
        }
        Map<String, String> refused = new LinkedHashMap<>();
        int i = 0;
        for (List<String> line : CommandLines.pack(commands)) {
            for (Answer answer : socket.exchangeChange(line)) {
                String said = answer.message();
                // taken: no answer; a session (or a worker) that ended meanwhile is as good
                if (!said.isEmpty() && !said.startsWith("Can't find the target PID") && !said.startsWith("No such")
                        && i < owners.size()) {
                    refused.putIfAbsent(owners.get(i), "an old worker refused '" + answer.command() + "': " + said);
                }
                i++;
            }
        }
        awaitExit(killedIn);
        return refused;
    }

    /**
     * An old worker whose last sessions were just killed exits at once, and one asked through
     * the master CLI in that moment answers cut off or never finishes (seen on 2.6 and 3.0). So
     * before anyone reads the old workers again, {@code show proc} (the master's own answer) is
     * asked until these workers are gone, for at most half a second: one still there then has
     * other sessions and is not exiting because of the kill.
     */
    private void awaitExit(Set<Integer> workers) {
        for (int poll = 0; poll < 10 && !workers.isEmpty(); poll++) {
            Set<Integer> old = new HashSet<>();
            processes().stream().filter(p -> p.role() == Process.Role.OLD).forEach(p -> old.add(p.pid()));
            if (workers.stream().noneMatch(old::contains)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Sends {@code reload}; from 2.7 the answer starts with {@code Success=1} or {@code Success=0},
     * up to 2.6 it is empty (check {@code show proc} instead).
     */
    public String reload() {
        return socket.exchangeWhole("reload");
    }

    /**
     * The sessions of one old worker counted from {@code show sess} (one line per session, with
     * {@code be=} and {@code srv=}): sessions only, a queued request has no server yet.
     */
    private Map<String, Map<String, ServerLoad>> sessionsBySession(Process worker, Set<String> wanted) {
        Map<String, Map<String, ServerLoad>> perBackend = new LinkedHashMap<>();
        Answer answer = socket.exchange(List.of("@!" + worker.pid() + " show sess")).get(0);
        for (String line : answer.text().split("\n")) {
            Matcher m = SESSION_LINE.matcher(line);
            if (m.find() && wanted.contains(m.group(1))) {
                perBackend.computeIfAbsent(m.group(1), b -> new LinkedHashMap<>())
                        .merge(m.group(2), new ServerLoad(1, 0), ServerLoad::plus);
            }
        }
        return perBackend;
    }
}
