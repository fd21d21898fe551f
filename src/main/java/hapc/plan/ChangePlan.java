package hapc.plan;

import hapc.HapcException;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import hapc.runtime.WriteFate;
import hapc.runtime.Written;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every target's change, decided from one read before anything is sent: whether the call
 * changes anything, what the capacity guard sees, and what check mode reports all come from
 * here. Applying it sends every command in as few exchanges as the CLI takes (a target's
 * commands always on one line) and reads the backends back once, whatever the number of targets.
 */
public record ChangePlan(Targets targets, List<PlannedChange> changes) {

    public static ChangePlan of(Targets targets, WantedState wanted) {
        return new ChangePlan(targets, targets.list().stream().map(wanted::planFor).toList());
    }

    public boolean changed() {
        return changes.stream().anyMatch(PlannedChange::changed);
    }

    /**
     * Sends the plan and reads the backends back. An exchange that breaks part-way (a reload
     * closing the socket, a timeout) does not escape: what became of each target is in the
     * result, nothing more is sent (old workers' kills included), and the targets are still read
     * back once, which may fail too (then {@link Applied#readBackFailure()} says why).
     */
    public Applied apply(LiveServers live) {
        List<List<String>> groups = changes.stream().map(PlannedChange::commands).toList();
        Written written = live.write(groups);
        List<List<Written.Sent>> sentPerTarget = written.byGroup(groups);
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, List<String>> accepted = new LinkedHashMap<>();
        Map<String, WriteFate> writes = new LinkedHashMap<>();
        for (int t = 0; t < changes.size(); t++) {
            PlannedChange change = changes.get(t);
            List<WriteFate> fates = new ArrayList<>();
            for (Written.Sent sent : sentPerTarget.get(t)) {
                fates.add(sent.fate());
                if (sent.fate() == WriteFate.REFUSED) {
                    refused.putIfAbsent(change.id(), "HAProxy refused '" + sent.command() + "': " + sent.refusal());
                } else if (sent.fate() == WriteFate.APPLIED) {
                    accepted.computeIfAbsent(change.id(), id -> new ArrayList<>()).add(sent.command());
                }
            }
            writes.put(change.id(), WriteFate.of(fates));
        }
        boolean killsSent = written.broken() == null;
        Map<String, String> killRefused = killsSent ? live.killOldWorkerSessions(changes.stream()
                .filter(PlannedChange::killOldSessions).map(PlannedChange::before).toList()) : Map.of();
        killRefused.forEach(refused::putIfAbsent);
        for (PlannedChange change : changes) {
            // the old workers' kill is part of the target's write: sent through the master CLI
            WriteFate fate = writes.get(change.id());
            if (change.killOldSessions() && fate != WriteFate.FAILED) {
                writes.put(change.id(), !killsSent ? (fate == WriteFate.NONE ? WriteFate.NOT_ATTEMPTED : fate)
                        : killRefused.containsKey(change.id()) ? WriteFate.REFUSED
                        : fate == WriteFate.NONE ? WriteFate.APPLIED : fate);
            }
        }
        // The read-back verifies and reports the targets only: their rows, not their neighbours'.
        // One try, each exchange bounded by --socket-timeout: during a reload it fails, and the
        // answer says so rather than hiding what was taken behind the read's error.
        ServerSnapshot after = null;
        HapcException readBackFailure = null;
        try {
            after = live.read(targets.backends(), targets.serverNames());
        } catch (HapcException e) {
            readBackFailure = e;
        }
        return new Applied(refused, accepted, writes, written, killsSent, after, readBackFailure);
    }

    /**
     * @param accepted        per target id, the commands HAProxy took (a target absent took none: it
     *                        is not changed, whatever was planned for it)
     * @param writes          per target id, what became of its write ({@link WriteFate#NONE} when
     *                        nothing was planned for the admin socket)
     * @param written         the write as sent: how many exchanges, which one broke and why
     * @param oldKillsSent    whether the old workers' kills went out (not after a broken exchange)
     * @param after           the targets as read back, or null when the read-back failed
     * @param readBackFailure why the read-back failed, or null
     */
    public record Applied(Map<String, String> refused, Map<String, List<String>> accepted,
            Map<String, WriteFate> writes, Written written, boolean oldKillsSent, ServerSnapshot after,
            HapcException readBackFailure) {
        /** Whether HAProxy took any of this target's commands (old workers' kills count as sent). */
        public boolean tookAny(PlannedChange change) {
            return accepted.containsKey(change.id()) || (change.killOldSessions() && oldKillsSent);
        }

        /** Whether a kill of this target's sessions went out and was taken, here or in an old worker. */
        public boolean killed(PlannedChange change) {
            return (change.killOldSessions() && oldKillsSent) || accepted.getOrDefault(change.id(), List.of()).stream()
                    .anyMatch(c -> c.startsWith("shutdown sessions server "));
        }

        public WriteFate write(PlannedChange change) {
            return writes.getOrDefault(change.id(), WriteFate.NONE);
        }

        /** The exchange that broke part-way through the write, or null. */
        public HapcException broken() {
            return written.broken();
        }
    }
}
