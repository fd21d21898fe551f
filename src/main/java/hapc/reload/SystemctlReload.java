package hapc.reload;

import hapc.wait.Pause;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.CommandRun;
import hapc.host.Systemctl;
import hapc.runtime.Process;
import hapc.runtime.WorkerCli;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code systemctl reload haproxy} when no master CLI is reachable. systemctl says "done" even
 * when the new worker failed to start, so success is only a new pid behind the admin socket.
 */
public final class SystemctlReload {
    private static final String UNIT = "haproxy";
    private static final long POLL_MILLIS = 100;

    private final Systemctl systemctl;
    private final WorkerCli admin;
    private final Duration limit;

    public SystemctlReload(Systemctl systemctl, WorkerCli admin, Duration limit) {
        this.systemctl = systemctl;
        this.admin = admin;
        this.limit = limit;
    }

    public ReloadResult reload(int pidBefore, Map<String, Object> partial) {
        long deadline = System.nanoTime() + limit.toNanos();
        CommandRun run = systemctl.reload(UNIT);
        partial.put("startup_output", run.output());
        if (run.exitStatus() != 0) {
            throw new HapcException(ErrorKind.RELOAD, String.join(" ", run.command()) + " failed with exit status "
                    + run.exitStatus() + ": " + String.join(" | ", run.output()), null, partial);
        }
        while (true) {
            Integer pid = tryPid();
            if (pid != null && pid != pidBefore) {
                return new ReloadResult(List.of(current(pid)), admin, run.output());
            }
            if (System.nanoTime() >= deadline) {
                throw new HapcException(ErrorKind.RELOAD, String.join(" ", run.command()) + " reported success, but"
                        + " worker " + pidBefore + " is still the one answering after " + limit.toSeconds()
                        + " s: the new configuration most likely did not load (see 'journalctl -u haproxy')", null,
                        partial);
            }
            Pause.millis(POLL_MILLIS);
        }
    }

    private Integer tryPid() {
        try {
            return admin.workerPid();
        } catch (HapcException e) {
            return null;
        }
    }

    public static Process current(int pid) {
        return new Process(pid, Process.Role.CURRENT, null, null, null, null);
    }
}
