package hapc.reload;

import hapc.wait.Pause;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.runtime.AdminSocket;
import hapc.runtime.MasterCli;
import hapc.runtime.Process;
import hapc.runtime.WorkerCli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A reload through the master CLI, verified. From 2.7 the master answers {@code Success=1} or
 * {@code Success=0} once the new worker is up (or failed), followed by the startup messages; up
 * to 2.6 it answers nothing, so {@code show proc} is polled until the master's reload counter
 * moves, and then either its {@code [failed: N]} count went up (the new config did not load and
 * the old worker kept running) or a current worker with a new pid appears.
 */
public final class MasterReload {
    private static final long POLL_MILLIS = 100;

    private final AdminSocket reloadSocket;
    private final AdminSocket socket;
    private final Duration limit;

    /**
     * @param socket       the master CLI for short exchanges ({@code show proc}, {@code @!pid ...})
     * @param reloadSocket the same CLI with a deadline long enough for a whole reload
     */
    public MasterReload(AdminSocket socket, AdminSocket reloadSocket, Duration limit) {
        this.socket = socket;
        this.reloadSocket = reloadSocket;
        this.limit = limit;
    }

    public ReloadResult reload(List<Process> before, Map<String, Object> partial) {
        long deadline = System.nanoTime() + limit.toNanos();
        Process masterBefore = master(before);
        Set<Integer> currentBefore = before.stream().filter(p -> p.role() == Process.Role.CURRENT).map(Process::pid)
                .collect(Collectors.toSet());
        String answer = new MasterCli(reloadSocket).reload();
        List<String> startup = new ArrayList<>();
        Boolean success = null;
        if (answer.startsWith("Success=")) {
            String[] lines = answer.split("\n");
            success = lines[0].strip().equals("Success=1");
            boolean afterSeparator = false;
            for (String line : lines) {
                if (afterSeparator && !line.isBlank()) {
                    startup.add(line);
                }
                afterSeparator = afterSeparator || line.strip().equals("--");
            }
            partial.put("startup_output", startup);
        }
        MasterCli master = new MasterCli(socket);
        while (true) {
            List<Process> now = tryProcesses(master);
            if (now != null) {
                Process masterNow = master(now);
                boolean counted = masterNow.reloads() != null && masterBefore.reloads() != null
                        && masterNow.reloads() > masterBefore.reloads();
                boolean failedMore = masterNow.failedReloads() != null && masterBefore.failedReloads() != null
                        && masterNow.failedReloads() > masterBefore.failedReloads();
                Process fresh = now.stream().filter(p -> p.role() == Process.Role.CURRENT
                        && !currentBefore.contains(p.pid())).findFirst().orElse(null);
                if (Boolean.FALSE.equals(success) || success == null && counted && failedMore) {
                    partial.put("workers_after", now.stream().map(Process::toJson).toList());
                    throw new HapcException(ErrorKind.RELOAD, "HAProxy did not load the new configuration"
                            + (startup.isEmpty() ? "" : " (" + alerts(startup) + ")") + "; the old worker "
                            + currentBefore + " is still running with the previous one", null, partial);
                }
                if (fresh != null && (Boolean.TRUE.equals(success) || counted)) {
                    return new ReloadResult(now, WorkerCli.throughMaster(socket, fresh.pid()), startup);
                }
                partial.put("workers_after", now.stream().map(Process::toJson).toList());
            }
            if (System.nanoTime() >= deadline) {
                throw new HapcException(ErrorKind.RELOAD, "the master CLI took the reload, but no new worker took over"
                        + " within " + limit.toSeconds() + " s (see workers_after and HAProxy's log)", null, partial);
            }
            Pause.millis(POLL_MILLIS);
        }
    }

    /** While the master re-executes itself its CLI may refuse connections for a moment. */
    private static List<Process> tryProcesses(MasterCli master) {
        try {
            return master.processes();
        } catch (HapcException e) {
            return null;
        }
    }

    private Process master(List<Process> processes) {
        return processes.stream().filter(p -> p.role() == Process.Role.MASTER).findFirst().orElseThrow(() ->
                new HapcException(ErrorKind.HAPROXY, "'show proc' at " + socket.target() + " lists no master"));
    }

    /** HAProxy's ALERT lines, which say why a config did not load. */
    public static String alerts(List<String> lines) {
        List<String> alerts = lines.stream().filter(l -> l.contains("[ALERT]")).toList();
        return String.join(" | ", alerts.isEmpty() ? lines.subList(0, Math.min(3, lines.size())) : alerts);
    }
}
