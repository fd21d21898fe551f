package hapc.action;

import hapc.plan.CapacityBasis;
import hapc.plan.CapacityGuard;
import hapc.plan.StaticWeights;
import hapc.plan.PlannedChange;
import hapc.plan.TargetList;
import hapc.wait.CapacityWait;
import hapc.wait.Pause;

import hapc.plan.ChangePlan;
import hapc.plan.Targets;
import hapc.plan.WantedState;

import hapc.ErrorKind;
import hapc.host.HaproxyLock;
import hapc.host.Hold;
import hapc.host.HoldStore;
import hapc.plan.HoldPlan;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.AgentState;
import hapc.model.Server;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.request.WeightValue;
import hapc.runtime.LiveServers;
import hapc.runtime.ServerSnapshot;
import hapc.runtime.WriteFate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * enable-server, drain-server and stop-server: bring every target to an admin state. The whole
 * call is planned from one read before acting ({@link ChangePlan}): whether anything changes,
 * the capacity guard and check mode all come from that plan, nothing is sent for a server
 * already there, and in check mode nothing that changes HAProxy is sent at all.
 */
public final class ServerStateChange implements ActionHandler {
    /** How long stop-server gives HAProxy to close the sessions it was told to kill. */
    private static final long KILL_SETTLE_MILLIS = 2000;

    /** The 1.0 top-level fields of one target (contract 1.0, kept keyed on the request since 1.2). */
    private static final List<String> ONE_TARGET_FIELDS = List.of("backend", "server", "before", "after", "diff",
            "sessions_killed");

    private final Action action;
    private final WantedState wanted;
    /** set-weight's weight as asked for ("50%"), for the messages; null otherwise. */
    private final WeightValue asked;

    private ServerStateChange(Action action, WantedState wanted) {
        this(action, wanted, null);
    }

    private ServerStateChange(Action action, WantedState wanted, WeightValue asked) {
        this.action = action;
        this.wanted = wanted;
        this.asked = asked;
    }

    public static ServerStateChange enable() {
        return new ServerStateChange(Action.ENABLE_SERVER, new WantedState(AdminState.READY, false));
    }

    public static ServerStateChange drain() {
        return new ServerStateChange(Action.DRAIN_SERVER, new WantedState(AdminState.DRAIN, false));
    }

    public static ServerStateChange stop() {
        return new ServerStateChange(Action.STOP_SERVER, new WantedState(AdminState.MAINT, true));
    }

    /** enable-server that also brings each target to a weight (--weight, or a ramp's first step). */
    static ServerStateChange enable(ToIntFunction<Server> weight) {
        return new ServerStateChange(Action.ENABLE_SERVER, new WantedState(AdminState.READY, false, weight));
    }

    /** set-weight: the weight only, the admin state left as it is. */
    public static ServerStateChange setWeight(WeightValue weight) {
        return new ServerStateChange(Action.SET_WEIGHT, WantedState.weightOnly(s -> weight.of(s.initialWeight())),
                weight);
    }

    @Override
    public Outcome run(Context context) {
        return apply(context).outcome();
    }

    /**
     * A share above 0% that HAProxy's rounding down makes 0 (50% of weight 1) would silently take
     * the server out of rotation: refused before anything is sent; "0" or "0%" say that plainly.
     */
    private static void refuseSharesRoundedToZero(ChangePlan plan, WeightValue weight) {
        if (weight == null || !weight.percent() || weight.value() == 0) {
            return;
        }
        List<String> zero = plan.changes().stream().map(PlannedChange::before)
                .filter(s -> s.initialWeight() > 0 && weight.of(s.initialWeight()) == 0)
                .map(s -> s.backend() + "/" + s.name() + " (configured weight " + s.initialWeight() + ")").toList();
        if (!zero.isEmpty()) {
            throw HapcException.invalid("weight " + weight + " rounds down to 0 for " + TargetList.shortened(zero, ", ")
                    + ", which would take it out of rotation; nothing was sent. Give --weight 0 to mean that,"
                    + " or a share that leaves at least 1.");
        }
    }

    /** The backend's hash-type in the config; null when not set or the config cannot be read (map-based then). */
    private static String configuredHashType(Context context, String backend) {
        try {
            return context.config().backend(backend).map(hapc.config.ConfigBackend::hashType).orElse(null);
        } catch (HapcException unreadable) {
            return null;
        }
    }

    /**
     * The change with its targets, for drain-server's wait to go on from. Read, plan, guard,
     * write and read back happen under the HAProxy's lock (not in check mode, which writes
     * nothing), so concurrent callers plan from each other's results.
     */
    Done apply(Context context) {
        Request request = context.request();
        if (request.checkMode()) {
            return apply(context, Targets.resolve(context, this::untouched));
        }
        CapacityWait capacity = request.capacityTimeout() == null ? null
                : new CapacityWait(request.capacityTimeout(), context.interruption(), context.waitProgress());
        while (true) {
            try (HaproxyLock lock = context.lockForWriting()) {
                return apply(context, Targets.resolve(context, this::untouched));
            } catch (HapcException e) {
                if (e.kind() != ErrorKind.CAPACITY || capacity == null) {
                    throw e;
                }
                // outside the lock: others must be able to bring servers back meanwhile
                capacity.until(() -> CapacityGuard.allows(
                        ChangePlan.of(Targets.resolve(context, this::untouched),
                                wanted.keepingAgent(request.keepAgent())),
                        request.minUp(), CapacityBasis.of(context)), e);
            }
        }
    }

    /** The change for these targets (drain's --on-timeout stop: the ones still busy). */
    Done apply(Context context, Targets all) {
        Request request = context.request();
        WantedState wanted = this.wanted.keepingAgent(request.keepAgent());
        // The holds are read with the servers (under the lock when writing); a conflict is
        // refused here, before anything is sent. set-weight neither takes nor releases holds.
        HoldStore store = action == Action.SET_WEIGHT ? null : new HoldStore(context.stateDir(), context.haproxyKey());
        HoldPlan holds = store == null ? null : HoldPlan.of(action, request, all, store.read(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Targets targets = holds == null ? all : holds.acting(all);
        if (holds != null) {
            holds.warnings().forEach(w -> addOnce(context, w));
        }
        if (targets.list().isEmpty()) {
            return stayedOut(request, all, holds, store);
        }
        ChangePlan plan = ChangePlan.of(targets, wanted);
        warnAboutKeptAgents(context, plan, request.keepAgent());
        refuseSharesRoundedToZero(plan, asked != null ? asked : request.weight());
        StaticWeights.check(plan, action == Action.ENABLE_SERVER && request.ramp() != null,
                backends -> context.live().api().algorithms(backends), backend -> configuredHashType(context, backend));
        Outcome outcome = new Outcome(action).put("check_mode", request.checkMode());
        if (request.minUp() != null) {
            // a refusal changes nothing: its answer says changed false
            try {
                outcome.put("capacity", CapacityGuard.check(plan, request.minUp(), outcome.fields(),
                        CapacityBasis.of(context)));
            } catch (HapcException refused) {
                throw refusedWithTargets(request, plan, refused);
            }
        }
        outcome.changed(plan.changed() || (holds != null && holds.storeChanged()));
        if (holds != null && holds.storeChanged() && !request.checkMode() && action != Action.ENABLE_SERVER) {
            // the hold first: a store that cannot be written stops the call before HAProxy is touched
            store.write(holds.after());
        }

        List<Server> after = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        ErrorKind failureKind = null;
        ChangePlan.Applied applied = null;
        if (request.checkMode() || !plan.changed()) {
            plan.changes().forEach(change -> after.add(request.checkMode() ? change.expected() : change.before()));
            // A state hapc cannot lift (inherited from a tracked server, DNS maintenance) is no
            // "already there": said as the failure it is (a warning in check mode), and a --wait
            // does not go on to wait to its deadline for it.
            for (PlannedChange change : plan.changes()) {
                Server held = change.expected();
                if (wanted.admin() != null && held.adminState() != wanted.admin()) {
                    String why = change.id() + " is held in " + held.adminState().jsonName() + " ("
                            + held.admin().source() + ", admin bits " + held.admin().value() + ") and hapc cannot"
                            + " lift it there: " + stuckReason(held);
                    if (request.checkMode()) {
                        context.warnings().add(why);
                    } else {
                        failures.put(change.id(), why);
                        failureKind = failureKind == null ? stuckKind(held) : failureKind;
                    }
                }
            }
        } else {
            applied = plan.apply(context.live());
            ServerSnapshot read = wanted.killSessions() && applied.after() != null && applied.broken() == null
                    ? awaitKilled(context.live(), plan, applied.after()) : applied.after();
            for (PlannedChange change : plan.changes()) {
                Server now = read == null ? null : read.find(change.before().backend(), change.before().name())
                        .map(LiveServers.Inspection::server).orElse(null);
                WriteFate write = applied.write(change);
                String refused = applied.refused().get(change.id());
                String partial = PartialWrite.targetError(write, applied.written());
                if (read == null) {
                    // not read back: what HAProxy took, as planned; the rest as read before
                    after.add(write == WriteFate.APPLIED ? change.expected() : change.before());
                } else {
                    after.add(now == null ? change.before() : now);
                }
                if (partial != null) {
                    failures.put(change.id(), partial);
                } else if (read == null) {
                    if (refused != null) {
                        failures.put(change.id(), refused);
                    }
                } else if (now == null) {
                    failures.put(change.id(), (refused == null ? "" : refused + "; ") + change.id()
                            + " is no longer in the running HAProxy (deleted, or a reload without it?)");
                    failureKind = failureKind == null ? ErrorKind.CONFLICT : failureKind;
                } else if (refused != null) {
                    failures.put(change.id(), refused);
                    failureKind = failureKind == null ? ErrorKind.HAPROXY : failureKind;
                } else if (wanted.admin() != null && now.adminState() != wanted.admin()) {
                    failures.put(change.id(), change.id() + " is still in " + now.adminState().jsonName() + " ("
                            + now.admin().source() + "): " + stuckReason(now));
                    failureKind = failureKind == null ? stuckKind(now) : failureKind;
                } else if (wanted.weight() != null && now.weight() != change.expected().weight()) {
                    failures.put(change.id(), change.id() + " has weight " + now.weight() + ", not "
                            + change.expected().weight() + ": " + stuckReason(now));
                    failureKind = failureKind == null ? ErrorKind.CONFLICT : failureKind;
                } else if (now.agent() != change.expected().agent()) {
                    failures.put(change.id(), change.id() + " is " + now.adminState().jsonName() + ", but its agent"
                            + " check is " + now.agent().jsonName() + " where hapc left it "
                            + change.expected().agent().jsonName() + ": another client changed it before it was read"
                            + " back; hapc did not fight it");
                    failureKind = failureKind == null ? ErrorKind.CONFLICT : failureKind;
                }
            }
        }

        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < plan.changes().size(); i++) {
            PlannedChange change = plan.changes().get(i);
            // Sent: changed is what HAProxy took, not what was planned (a refused target is not changed).
            boolean changed = applied == null ? change.changed() : applied.tookAny(change)
                    || (applied.write(change) == WriteFate.FAILED && applied.after() != null
                            && readBackShowsChange(change.before(), after.get(i)));
            boolean killed = applied != null && applied.killed(change);
            entries.add(entry(change, after.get(i), failures.get(change.id()), changed, killed));
            entries.get(i).put("write", (applied == null ? WriteFate.NONE : applied.write(change)).jsonName());
        }
        String partialWrite = applied == null ? null : PartialWrite.summary(plan, applied);
        if (applied != null) {
            outcome.changed(entries.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("changed"))));
            // the broken exchange's kind first, then the read-back's: what the caller must look at
            HapcException cause = applied.broken() != null ? applied.broken() : applied.readBackFailure();
            failureKind = cause != null ? cause.kind() : failureKind;
        }
        if (holds != null) {
            showHolds(entries, store, holds, all);
        }
        OneTargetFields.copy(request, outcome, entries, ONE_TARGET_FIELDS);
        outcome.put("targets", entries);
        if (partialWrite != null) {
            throw new HapcException(failureKind, partialWrite, null, outcome.fields());
        }
        if (!failures.isEmpty()) {
            throw new HapcException(failureKind, String.join("; ", failures.values()), null, outcome.fields());
        }
        if (holds != null && holds.storeChanged() && !request.checkMode() && action == Action.ENABLE_SERVER) {
            // released once the server is back: a failed enable keeps the caller's hold
            store.write(holds.after());
        }
        String notes = holds == null || holds.notes().isEmpty() ? ""
                : " " + (request.checkMode() ? "Check mode, the hold store is not written: " : "")
                        + String.join(" ", holds.notes());
        return new Done(outcome.msg(message(plan, request.checkMode()) + notes), plan, wanted, false);
    }

    /**
     * enable-server whose every target stays out: the caller's holds are released, others'
     * remain, and HAProxy is not written to.
     */
    private Done stayedOut(Request request, Targets all, HoldPlan holds, HoldStore store) {
        Outcome outcome = new Outcome(action).put("check_mode", request.checkMode()).changed(holds.storeChanged());
        // every target is one that stays out: showHolds makes its entry (unchanged in HAProxy)
        List<Map<String, Object>> entries = new ArrayList<>();
        showHolds(entries, store, holds, all);
        OneTargetFields.copy(request, outcome, entries, ONE_TARGET_FIELDS);
        outcome.put("targets", entries);
        if (!request.checkMode()) {
            store.write(holds.after());
        }
        String msg = (request.checkMode() ? "Check mode, nothing written: " : "") + String.join(" ", holds.notes())
                + " Nothing sent to HAProxy.";
        return new Done(outcome.msg(msg), ChangePlan.of(new Targets(List.of(), all.snapshot()), wanted), wanted,
                true);
    }

    /**
     * Adds {@code holds} to each entry's before (as read) and after (as the call leaves them),
     * and the entries of the targets that stay out (enable with others' holds), unchanged in
     * HAProxy.
     */
    @SuppressWarnings("unchecked")
    private static void showHolds(List<Map<String, Object>> entries, HoldStore store, HoldPlan holds, Targets all) {
        Map<String, List<Hold>> read = store.read();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Map<String, Object> entry : entries) {
            present.add(entry.get("backend") + "/" + entry.get("server"));
        }
        for (var target : all.list()) {
            String id = target.server().backend() + "/" + target.server().name();
            if (!present.contains(id)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("backend", target.server().backend());
                entry.put("server", target.server().name());
                entry.put("changed", true);
                entry.put("failed", false);
                entry.put("before", target.server().toJson());
                entry.put("after", target.server().toJson());
                entry.put("write", WriteFate.NONE.jsonName());
                entries.add(entry);
            }
        }
        for (Map<String, Object> entry : entries) {
            String id = entry.get("backend") + "/" + entry.get("server");
            ((Map<String, Object>) entry.get("before")).put("holds",
                    read.getOrDefault(id, List.of()).stream().map(Hold::toJson).toList());
            ((Map<String, Object>) entry.get("after")).put("holds", holds.of(id));
            entry.put("diff", diff((Map<String, Object>) entry.get("before"), (Map<String, Object>) entry.get("after")));
            if (holds.overridden().contains(id)) {
                entry.put("held_in_rotation", true);
            }
        }
    }

    /**
     * --keep-agent on a server whose agent check runs: the call does what it was asked, but an
     * agent answering "ready" (or "drain", "maint") sets the state again at its next check.
     */
    private void warnAboutKeptAgents(Context context, ChangePlan plan, boolean keepAgent) {
        if (!keepAgent) {
            return;
        }
        List<String> running = plan.changes().stream().filter(c -> c.before().agent() == AgentState.RUNNING)
                .map(PlannedChange::id).toList();
        if (!running.isEmpty()) {
            addOnce(context, "keep_agent: the agent check of " + TargetList.shortened(running, ", ")
                    + " keeps running and may undo the state " + wanted.admin().jsonName()
                    + " at its next check (its reply ready, drain or maint sets the state again)");
        }
    }

    /** A warning once, however often a capacity wait has the call plan again. */
    private static void addOnce(Context context, String warning) {
        if (!context.warnings().contains(warning)) {
            context.warnings().add(warning);
        }
    }

    /**
     * A capacity refusal's answer with its {@code targets}: each unchanged, and the ones in a
     * backend the guard found short failed with why (nothing was sent to any).
     */
    @SuppressWarnings("unchecked")
    private HapcException refusedWithTargets(Request request, ChangePlan plan, HapcException refused) {
        if (refused.kind() != ErrorKind.CAPACITY) {
            return refused;
        }
        Map<String, String> shortOf = new LinkedHashMap<>();
        Object capacity = refused.partial().get("capacity");
        if (capacity instanceof List<?> counts) {
            for (Object one : counts) {
                Map<String, Object> count = (Map<String, Object>) one;
                int after = ((Number) count.get("up_after")).intValue();
                int minUp = ((Number) count.get("min_up")).intValue();
                if (after < minUp) {
                    shortOf.put((String) count.get("backend"), "refused by the capacity guard: backend '"
                            + count.get("backend") + "' would have " + after + " server" + (after == 1 ? "" : "s")
                            + " up and in rotation (--min-up " + minUp + "); nothing was sent");
                }
            }
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (PlannedChange change : plan.changes()) {
            Map<String, Object> entry = entry(change, change.before(), shortOf.get(change.before().backend()), false,
                    false);
            entry.put("write", WriteFate.NONE.jsonName()); // nothing was sent
            entries.add(entry);
        }
        Outcome answer = new Outcome(action);
        refused.partial().forEach(answer::put);
        OneTargetFields.copy(request, answer, entries, ONE_TARGET_FIELDS);
        answer.put("targets", entries);
        return new HapcException(refused.kind(), refused.getMessage(), refused.getCause(), answer.fields());
    }

    /** A target found but not acted on (a not-found answer lists it): unchanged, not failed. */
    Map<String, Object> untouched(LiveServers.Inspection target) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("backend", target.server().backend());
        entry.put("server", target.server().name());
        entry.put("changed", false);
        entry.put("failed", false);
        entry.put("write", WriteFate.NONE.jsonName());
        Map<String, Object> server = target.server().toJson();
        entry.put("before", server);
        entry.put("after", target.server().toJson());
        entry.put("diff", diff(server, server));
        if (wanted.killSessions()) {
            entry.put("sessions_killed", false);
        }
        return entry;
    }

    /** The answer so far, the plan it carried out (or, in check mode, would have) and what it wanted. */
    public record Done(Outcome outcome, ChangePlan plan, WantedState wanted, boolean stayedOut) {
    }

    private Map<String, Object> entry(PlannedChange change, Server after, String failure, boolean changed,
            boolean killed) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("backend", change.before().backend());
        entry.put("server", change.before().name());
        entry.put("changed", changed);
        entry.put("failed", failure != null);
        if (failure != null) {
            entry.put("error", failure);
        }
        Map<String, Object> was = change.before().toJson();
        Map<String, Object> now = after.toJson();
        entry.put("before", was);
        entry.put("after", now);
        entry.put("diff", diff(was, now));
        if (wanted.killSessions()) {
            entry.put("sessions_killed", killed);
        }
        return entry;
    }

    private String message(ChangePlan plan, boolean checkMode) {
        List<PlannedChange> changes = plan.changes();
        if (plan.targets().single()) {
            PlannedChange only = changes.get(0);
            return message(only.id(), only.before(), only.changed(), agentOnly(only), checkMode);
        }
        List<Server> changing = changes.stream().filter(c -> c.changed() && !agentOnly(c))
                .map(PlannedChange::before).toList();
        List<Server> agentOnly = changes.stream().filter(this::agentOnly).map(PlannedChange::before).toList();
        List<Server> already = changes.stream().filter(c -> !c.changed()).map(PlannedChange::before).toList();
        String verbed = verbed(null);
        List<String> parts = new ArrayList<>();
        if (!changing.isEmpty()) {
            parts.add((checkMode ? "Check mode: would be " : "") + verbed + ": " + TargetList.describe(changing));
        }
        if (!agentOnly.isEmpty()) {
            parts.add("already " + wanted.admin().jsonName() + ", agent check " + (checkMode ? "would be " : "")
                    + (wanted.admin() == AdminState.READY ? "resumed" : "paused") + ": "
                    + TargetList.describe(agentOnly));
        }
        if (!already.isEmpty()) {
            parts.add("already " + wantedWords() + ", nothing sent: " + TargetList.describe(already));
        }
        String text = changes.size() + " targets; " + String.join(". ", parts) + ".";
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** A change that only pauses or resumes the agent check: the server is already where wanted. */
    private boolean agentOnly(PlannedChange change) {
        return change.changed() && !change.killOldSessions() && change.commands().stream()
                .allMatch(c -> c.startsWith("disable agent ") || c.startsWith("enable agent "));
    }

    private String message(String id, Server before, boolean changed, boolean agentOnly, boolean checkMode) {
        if (wanted.admin() == null) {
            int weight = wanted.weight().applyAsInt(before);
            String configured = "configured " + before.initialWeight();
            if (!changed) {
                return id + " already has weight " + weight + " (" + configured + "); nothing sent to HAProxy.";
            }
            return checkMode ? "Check mode: " + id + "'s weight would be set to " + weight + " (it is "
                    + before.weight() + "; " + configured + ")."
                    : id + "'s weight set to " + weight + " (was " + before.weight() + "; " + configured + ").";
        }
        String was = before.adminState().jsonName();
        if (!changed) {
            return id + " is already in state " + wanted.admin().jsonName() + weightWords(before)
                    + "; nothing sent to HAProxy.";
        }
        if (agentOnly) {
            // already there: only the agent check is paused or resumed
            String agent = wanted.admin() == AdminState.READY ? "resumed" : "paused";
            return id + " is already in state " + was + "; its agent check " + (checkMode ? "would be " : "was ")
                    + agent + (checkMode ? " (check mode)." : ".");
        }
        String verbed = verbed(before);
        return checkMode ? "Check mode: " + id + " would be " + verbed + " (it is " + was + ")."
                : id + " " + verbed + " (was " + was + ").";
    }

    /** "drained", "stopped and its sessions killed", "enabled with weight 3", "given its new weight". */
    private String verbed(Server one) {
        if (wanted.admin() == null) {
            return "set to weight " + asked;
        }
        return wanted.admin().verbed() + (wanted.killSessions() ? " and its sessions killed" : "")
                + (one == null ? "" : weightWords(one));
    }

    /** " with weight N" when the call sets a weight too; empty otherwise. */
    private String weightWords(Server one) {
        return wanted.weight() == null ? "" : " with weight " + wanted.weight().applyAsInt(one);
    }

    private String wantedWords() {
        return wanted.admin() == null ? "at weight " + asked : wanted.admin().jsonName();
    }

    static String stuckReason(Server server) {
        return switch (server.admin().source()) {
            case "inherited" -> "it tracks another server whose state it inherits; change that server instead";
            case "resolution" -> "its address cannot be resolved (DNS); HAProxy keeps it in maintenance";
            // The write was accepted (an error would have been thrown), yet the state read back
            // differs: another client changed the server in between. Seen with contradicting hapc
            // calls on one server at once; "did not take" would be a lie.
            default -> "HAProxy accepted the change, but another client changed the server again before it was"
                    + " read back (concurrent calls on this server?); hapc did not fight it";
        };
    }

    private static ErrorKind stuckKind(Server server) {
        return switch (server.admin().source()) {
            case "inherited", "resolution" -> ErrorKind.HAPROXY;
            default -> ErrorKind.CONFLICT;
        };
    }

    /**
     * {@code shutdown sessions} only marks the streams for closing; they go within
     * milliseconds, so wait briefly and report the counts as they then are.
     */
    private static ServerSnapshot awaitKilled(LiveServers live, ChangePlan plan, ServerSnapshot after) {
        if (plan.changes().stream().noneMatch(c -> c.before().sessions() > 0)) {
            return after;
        }
        long deadline = System.currentTimeMillis() + KILL_SETTLE_MILLIS;
        ServerSnapshot current = after;
        while (anySessions(plan, current) && System.currentTimeMillis() < deadline) {
            Pause.millis(20);
            try {
                current = live.read(plan.targets().backends(), plan.targets().serverNames());
            } catch (HapcException e) {
                return current; // the read-back itself succeeded: the counts as they were then
            }
        }
        return current;
    }

    /** Whether a target whose write's fate is unknown shows, read back, the change it was sent. */
    private static boolean readBackShowsChange(Server before, Server now) {
        return now.adminState() != before.adminState() || now.weight() != before.weight()
                || now.agent() != before.agent();
    }

    private static boolean anySessions(ChangePlan plan, ServerSnapshot snapshot) {
        return plan.changes().stream().anyMatch(c -> snapshot.find(c.before().backend(), c.before().name())
                .map(i -> i.server().sessions() > 0).orElse(false));
    }

    /** The fields that differ, as Ansible's --diff wants them. */
    static Map<String, Object> diff(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        before.forEach((key, value) -> {
            if (!Objects.equals(value, after.get(key))) {
                was.put(key, value);
                now.put(key, after.get(key));
            }
        });
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("before", was);
        diff.put("after", now);
        return diff;
    }
}
