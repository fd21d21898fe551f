package hapc.wait;

import hapc.plan.ChangePlan;
import hapc.plan.TargetList;

import hapc.action.Context;
import hapc.action.ServerStateChange;
import hapc.plan.Targets;
import hapc.plan.WantedState;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.LocalMaster;
import hapc.model.AdminState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.runtime.LiveServers;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.LiveServers.Look;
import hapc.runtime.Process;
import hapc.runtime.ServerSnapshot;
import hapc.runtime.SocketTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What drain-server --wait watches besides the sessions: that its targets stay out of rotation
 * while it waits, whatever happens to HAProxy meanwhile.
 *
 * <ul>
 * <li>A reload re-executes the master: its CLI and the admin socket refuse connections for about
 * 100 ms. A poll that cannot reach HAProxy is retried at the next poll while the master process
 * (its pid from {@code show proc}, on this host) is alive, up to {@link #RELOAD_LIMIT_MILLIS}
 * and never past the deadline. When the master process is gone, HAProxy was stopped or killed:
 * the wait fails at once (kind socket), not at the deadline. Without a master CLI on this host
 * (or with its master in another pid namespace) hapc cannot tell a reload from a crash: it
 * allows {@link #BLIND_GRACE_MILLIS}, then fails. A pid from {@code show proc} is trusted only when
 * the process of that pid here is the master of this very socket ({@link LocalMaster}): a
 * container's master is pid 1, which here is init and never dies.</li>
 * <li>A target back in state ready means something changed it. If the worker behind the admin
 * socket changed ({@code show info} Pid), HAProxy was reloaded without a server-state file and the
 * new worker started the server from the config: hapc drains it again through the same plan
 * (pausing its agent again) and says so in a warning; the old worker's sessions are still
 * counted through the master CLI. With the same worker, another client (or an agent) undid the
 * drain: hapc stops waiting at once with kind conflict and does not fight it. With
 * {@code server-state-file} and {@code load-server-state-from-file}, the new worker keeps the
 * drain itself: nothing is re-applied, no warning, and the watch follows the new worker.</li>
 * <li>A target the new worker no longer has ("drain, remove from the config, reload, wait") is out
 * of rotation for good: the watch notes it as vanished (a warning and {@code vanished} in the
 * answer) and its sessions are counted in the old workers until they end. Without a master CLI
 * they cannot be: the wait stops there (kind conflict).</li>
 * </ul>
 */
public final class WaitWatch {
    /** A master alive but unreachable for this long is not reloading: something else is wrong. */
    public static final long RELOAD_LIMIT_MILLIS = 10_000;
    /** Without a master to look at, a reload and a crash look alike: a re-exec takes ~100 ms. */
    public static final long BLIND_GRACE_MILLIS = 1_000;

    private final Context context;
    private final LiveServers live;
    private final Targets targets;
    private final WantedState wanted;
    private final Outcome outcome;
    /** The master process here, when it can be told from another (see {@link LocalMaster}); else null. */
    private final ProcessHandle master;
    private Integer workerPid;
    /** The targets the current worker no longer has, by id, as they were drained. */
    private final Map<String, Inspection> vanished = new LinkedHashMap<>();
    private long unreachableSince = -1;

    public WaitWatch(Context context, ServerStateChange.Done drained) {
        this.context = context;
        this.live = context.live();
        this.targets = drained.plan().targets();
        this.wanted = drained.wanted();
        this.outcome = drained.outcome();
        // Known from the drain's own reads, without asking: a reload may start right now.
        this.workerPid = pidOf(live, Process.Role.CURRENT);
        Integer masterPid = pidOf(live, Process.Role.MASTER);
        // show proc's pid is HAProxy's view of it: in a container (another pid namespace) the
        // master is pid 1, which here is init, always alive. Only a process that is the master of
        // this socket tells anything; a master CLI over TCP, from elsewhere, tells nothing.
        SocketTarget target = live.masterTarget();
        this.master = masterPid != null && target != null && target.isUnix()
                ? LocalMaster.of(masterPid, target.unixPath()).orElse(null) : null;
    }

    private static Integer pidOf(LiveServers live, Process.Role role) {
        return live.lastSeenProcesses().stream().filter(p -> p.role() == role).map(Process::pid).findFirst()
                .orElse(null);
    }

    /**
     * One look at the targets, with their load in every worker, after putting back a drain a
     * reload lost. Null when HAProxy could not be reached but is (probably) being reloaded: poll
     * again. A target the current worker no longer has (a reload without it in the config) is
     * noted as vanished, once, and its sessions are looked for in the old workers only.
     *
     * @throws HapcException when HAProxy is gone, another client undid the drain (conflict), or a
     *                       target vanished where old workers cannot be seen (conflict)
     */
    public Look poll(long deadlineNanos) {
        Look seen;
        try {
            if (workerPid == null) {
                workerPid = live.api().workerPid();
            }
            Integer before = workerPid;
            Look now = live.look(targets.backends());
            List<Inspection> undone = undone(now.current());
            if (undone.isEmpty()) {
                followCurrentWorker();
            } else {
                // Inside the try: putting a lost drain back reads the master CLI again, which a
                // reload still in progress may refuse for a moment (seen on 2.6 under load).
                drainAgain(undone, now.current());
            }
            noteVanished(now, before);
            seen = now;
        } catch (HapcException e) {
            if (e.kind() == ErrorKind.NOT_FOUND && System.nanoTime() < deadlineNanos) {
                // A reload removed a backend between this poll's look and the read-back of a drain
                // put back: the next look sees it gone (a look never answers "not found").
                context.trace().accept("a backend vanished during the poll (" + e.getMessage() + "); polling again");
                return null;
            }
            if (!mayBeReloading(e, deadlineNanos)) {
                throw e;
            }
            context.trace().accept("HAProxy unreachable during the wait (" + e.getMessage() + "); polling again");
            return null;
        }
        if (unreachableSince >= 0) {
            context.trace().accept("HAProxy reachable again after " + mutedMillis() + " ms");
            unreachableSince = -1;
        }
        return seen;
    }

    /** The targets the current worker no longer has, in the order they were noticed. */
    public List<Inspection> vanished() {
        return List.copyOf(vanished.values());
    }

    /**
     * Notes the targets this look no longer finds in the current worker. That is no failure of
     * the drain: the server is out of rotation for good. Its sessions, if any, are in the old
     * workers, which only the master CLI shows: without one, hapc cannot wait for them and says so
     * (conflict) rather than call them ended.
     */
    private void noteVanished(Look now, Integer before) {
        List<String> fresh = new ArrayList<>();
        for (Inspection target : targets.list()) {
            String id = target.server().backend() + "/" + target.server().name();
            if (!now.has(target.server().backend(), target.server().name()) && !vanished.containsKey(id)) {
                vanished.put(id, target);
                fresh.add(id);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        List<Map<String, Object>> named = new ArrayList<>();
        vanished.values().forEach(t -> named.add(new LinkedHashMap<>(Map.of("backend", t.server().backend(),
                "server", t.server().name()))));
        outcome.put("vanished", named);
        String ids = TargetList.shortened(fresh, ", ");
        Integer current = pidOf(live, Process.Role.CURRENT);
        String how = current != null && before != null && !current.equals(before)
                ? "HAProxy was reloaded without " + (fresh.size() == 1 ? "it" : "them") + " in its config (worker "
                        + before + " replaced by " + current + ")"
                : "the running HAProxy no longer has " + (fresh.size() == 1 ? "it" : "them")
                        + " (a reload without it in the config, or deleted at run time)";
        if (!now.oldWorkersSeen()) {
            throw new HapcException(ErrorKind.CONFLICT, ids + (fresh.size() == 1 ? " is" : " are") + " gone during"
                    + " the wait: " + how + "; out of rotation for good, but without a master CLI hapc cannot count"
                    + " the sessions an old worker may still hold there, so it stopped waiting (give"
                    + " --master-socket to wait for them)", null, outcome.fields());
        }
        context.warnings().add(ids + (fresh.size() == 1 ? " is" : " are") + " gone during the wait: " + how
                + "; out of rotation for good, and " + (fresh.size() == 1 ? "its" : "their")
                + " sessions in the old workers are still counted");
    }

    /**
     * Follows a reload that kept the drain (a server-state file): the worker to compare with is
     * the new one from now on, so that a later "ready" by another client is seen as the conflict
     * it is, not as a second reload to undo. Known from the {@code show proc} this poll read for
     * the old workers' sessions; without a master CLI, the first worker stays the reference.
     */
    private void followCurrentWorker() {
        Integer current = pidOf(live, Process.Role.CURRENT);
        if (current != null && !current.equals(workerPid)) {
            context.trace().accept("HAProxy was reloaded during the wait (worker " + workerPid + " replaced by "
                    + current + ") and the new worker kept the drain; following worker " + current);
            workerPid = current;
        }
    }

    /** The targets back in rotation's admin state: drain and maint both keep a server out. */
    private List<Inspection> undone(ServerSnapshot now) {
        List<Inspection> undone = new ArrayList<>();
        for (Inspection target : targets.list()) {
            now.find(target.server().backend(), target.server().name())
                    .filter(current -> current.server().adminState() == AdminState.READY)
                    .ifPresent(undone::add);
        }
        return undone;
    }

    private void drainAgain(List<Inspection> undone, ServerSnapshot now) {
        int pid = live.api().workerPid();
        if (pid == workerPid) {
            throw conflict(undone);
        }
        List<String> ids = undone.stream().map(i -> i.server().backend() + "/" + i.server().name()).toList();
        ChangePlan plan = ChangePlan.of(new Targets(undone, now), wanted);
        ChangePlan.Applied applied = plan.apply(live);
        if (applied.broken() != null) {
            // a failure of the wait, with the drain's answer so far: what was taken is said, not re-sent
            outcome.changed(true);
            List<String> taken = ids.stream().filter(id -> applied.accepted().containsKey(id)).toList();
            throw new HapcException(applied.broken().kind(), "HAProxy was reloaded during the wait (worker "
                    + workerPid + " replaced by " + pid + ") and lost the drain; draining again broke off in exchange "
                    + applied.written().brokenAt() + " of " + applied.written().exchanges() + " ("
                    + applied.broken().getMessage() + "); drained again: "
                    + (taken.isEmpty() ? "none" : TargetList.shortened(taken, ", ")), null, outcome.fields());
        }
        if (!applied.refused().isEmpty()) {
            throw new HapcException(ErrorKind.HAPROXY, "HAProxy was reloaded during the wait (worker " + workerPid
                    + " replaced by " + pid + ") and lost the drain; draining again failed: "
                    + String.join("; ", applied.refused().values()), null, outcome.fields());
        }
        context.warnings().add("HAProxy was reloaded during the wait (worker " + workerPid + " replaced by " + pid
                + ") and the new worker had " + TargetList.shortened(ids, ", ") + " back in state ready (no"
                + " server-state file kept it): drained again" + (wanted.keepAgent() ? "" : " (agent checks paused)")
                + "; sessions of the old worker " + workerPid + " are still counted");
        outcome.changed(true);
        workerPid = pid;
        if (applied.readBackFailure() != null) {
            // drained again, not yet seen: the next poll looks (or decides HAProxy is gone)
            throw applied.readBackFailure();
        }
        List<Inspection> still = undone(applied.after());
        if (!still.isEmpty()) {
            throw conflict(still);
        }
    }

    private HapcException conflict(List<Inspection> undone) {
        List<String> what = new ArrayList<>();
        for (Inspection target : undone) {
            Server server = target.server();
            what.add(server.backend() + "/" + server.name() + " is now " + server.adminState().jsonName() + " ("
                    + server.operational().jsonName() + ", weight " + server.weight() + ", agent "
                    + server.agent().jsonName() + ")");
        }
        return new HapcException(ErrorKind.CONFLICT, String.join("; ", what) + ": another client (or an agent check)"
                + " put it back in rotation while hapc waited, without a reload (worker " + workerPid
                + " unchanged); hapc did not fight it and stopped waiting", null, outcome.fields());
    }

    /** Whether a failed poll may be a reload in progress, to be polled again. */
    private boolean mayBeReloading(HapcException e, long deadlineNanos) {
        if (e.kind() != ErrorKind.SOCKET && e.kind() != ErrorKind.HAPROXY) {
            return false;
        }
        long now = System.nanoTime();
        if (unreachableSince < 0) {
            unreachableSince = now;
        }
        if (now >= deadlineNanos) {
            return false;
        }
        if (master != null) {
            return master.isAlive() && mutedMillis() < RELOAD_LIMIT_MILLIS;
        }
        return mutedMillis() < BLIND_GRACE_MILLIS;
    }

    private long mutedMillis() {
        return (System.nanoTime() - unreachableSince) / 1_000_000;
    }
}
