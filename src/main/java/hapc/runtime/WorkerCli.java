package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLI of ONE worker: the admin socket (which reaches whichever worker is current), or the
 * master CLI with an {@code @!<pid>} prefix on every command, which reaches exactly that worker
 * even while a reload is swapping them. Commands through the master do not share a session, so
 * {@code set severity-output} cannot be used there: a write succeeds when it prints nothing.
 */
public final class WorkerCli {
    private final AdminSocket socket;
    private final String prefix;
    private final Integer pid;

    private WorkerCli(AdminSocket socket, String prefix, Integer pid) {
        this.socket = socket;
        this.prefix = prefix;
        this.pid = pid;
    }

    public static WorkerCli direct(AdminSocket adminSocket) {
        return new WorkerCli(adminSocket, "", null);
    }

    public static WorkerCli throughMaster(AdminSocket masterSocket, int pid) {
        return new WorkerCli(masterSocket, "@!" + pid + " ", pid);
    }

    /** The worker's pid when reached through the master, else null. */
    public Integer pid() {
        return pid;
    }

    public ServersState serversState() {
        Answer answer = socket.exchange(List.of(prefix + "show servers state")).get(0);
        if (!answer.text().startsWith("1") && !answer.text().startsWith("#")) {
            throw new HapcException(ErrorKind.HAPROXY, "'show servers state' at " + socket.target() + " answered: "
                    + answer.message());
        }
        return ServersState.parse(answer.text());
    }

    /** {@code show info}'s Pid: which worker answers on this CLI. */
    public int workerPid() {
        for (String line : socket.exchange(List.of(prefix + "show info")).get(0).text().split("\n")) {
            if (line.startsWith("Pid:")) {
                return Integer.parseInt(line.substring(4).strip());
            }
        }
        throw new HapcException(ErrorKind.HAPROXY, "'show info' at " + socket.target() + " has no Pid line");
    }

    /**
     * Sends {@code set server B/S state X} for each change, in order, and returns HAProxy's
     * refusal per "B/S" (empty when every write was taken).
     */
    public Map<String, String> setStates(List<StateChange> changes) {
        return send(changes.stream().map(c -> new Write(c.backend(), c.server(),
                Commands.setState(c.backend(), c.server(), c.state()))).toList());
    }

    /** Sends {@code disable agent B/S} for each server; HAProxy's refusal per "B/S". */
    public Map<String, String> pauseAgents(List<ServersState.Entry> servers) {
        return send(servers.stream().map(e -> new Write(e.backend(), e.server(),
                Commands.disableAgent(e.backend(), e.server()))).toList());
    }

    private Map<String, String> send(List<Write> writes) {
        List<String> commands = writes.stream().map(w -> prefix + w.command()).toList();
        Map<String, String> refused = new LinkedHashMap<>();
        int i = 0;
        for (List<String> line : CommandLines.pack(commands)) {
            // a write: if its answer is lost, the error must say the states may have been set
            for (Answer answer : socket.exchangeChange(line)) {
                Write write = writes.get(i++);
                if (!answer.text().strip().isEmpty()) {
                    refused.put(write.backend() + "/" + write.server(), answer.message());
                }
            }
        }
        return refused;
    }

    private record Write(String backend, String server, String command) {
    }

    public record StateChange(String backend, String server, AdminState state) {
    }
}
