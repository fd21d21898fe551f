package hapc.plan;

import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every target's change, decided from one read before anything is sent: whether the call
 * changes anything, what the capacity guard sees, and what check mode reports all come from
 * here. Applying it sends every command in as few exchanges as the CLI takes and reads the
 * backends back once, whatever the number of targets.
 */
public record ChangePlan(Targets targets, List<PlannedChange> changes) {

    public static ChangePlan of(Targets targets, WantedState wanted) {
        return new ChangePlan(targets, targets.list().stream().map(wanted::planFor).toList());
    }

    public boolean changed() {
        return changes.stream().anyMatch(PlannedChange::changed);
    }

    /**
     * Sends the plan and reads the backends back.
     *
     * @return HAProxy's refusal per target id ("backend/server"), empty when all was taken, and
     *         the servers as read after
     */
    public Applied apply(LiveServers live) {
        List<String> commands = new ArrayList<>();
        List<PlannedChange> owners = new ArrayList<>();
        for (PlannedChange change : changes) {
            for (String command : change.commands()) {
                commands.add(command);
                owners.add(change);
            }
        }
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, List<String>> accepted = new LinkedHashMap<>();
        List<String> refusals = live.write(commands);
        for (int i = 0; i < refusals.size(); i++) {
            if (refusals.get(i) != null) {
                refused.putIfAbsent(owners.get(i).id(), "HAProxy refused '" + commands.get(i) + "': " + refusals.get(i));
            } else {
                accepted.computeIfAbsent(owners.get(i).id(), id -> new ArrayList<>()).add(commands.get(i));
            }
        }
        live.killOldWorkerSessions(changes.stream().filter(PlannedChange::killOldSessions).map(PlannedChange::before)
                .toList()).forEach(refused::putIfAbsent);
        // The read-back verifies and reports the targets only: their rows, not their neighbours'.
        return new Applied(refused, accepted, live.read(targets.backends(), targets.serverNames()));
    }

    /**
     * @param accepted per target id, the commands HAProxy took (a target absent took none: it
     *                 is not changed, whatever was planned for it)
     */
    public record Applied(Map<String, String> refused, Map<String, List<String>> accepted, ServerSnapshot after) {
        /** Whether HAProxy took any of this target's commands (old workers' kills count as sent). */
        public boolean tookAny(PlannedChange change) {
            return accepted.containsKey(change.id()) || change.killOldSessions();
        }

        /** Whether a kill of this target's sessions went out and was taken, here or in an old worker. */
        public boolean killed(PlannedChange change) {
            return change.killOldSessions() || accepted.getOrDefault(change.id(), List.of()).stream()
                    .anyMatch(c -> c.startsWith("shutdown sessions server "));
        }
    }
}
