package hapc.plan;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.Hold;
import hapc.model.AdminState;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.LiveServers.Inspection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a call does with the maintenance holds of its targets, decided from the store read
 * under the HAProxy's lock, before anything is sent. drain/stop with --owner record a hold
 * (without one, nothing: 1.0's behaviour). enable releases the caller's own hold and brings a
 * server back only when no other owner holds it; enabling a server others hold, without their
 * owner name or --force, is a conflict refused before anything is sent; --force releases all.
 *
 * @param after        the whole store once the call is done
 * @param stayingOut   enable: targets whose caller's hold was released but that others still hold
 * @param overridden   targets held but found in rotation: someone put them back outside hapc
 * @param storeChanged whether the store changes (counts for the answer's changed)
 * @param warnings     for the answer's warnings
 * @param notes        sentences for the answer's msg
 */
public record HoldPlan(Map<String, List<Hold>> after, Set<String> stayingOut, Set<String> overridden,
        boolean storeChanged, List<String> warnings, List<String> notes) {

    public static HoldPlan of(Action action, Request request, Targets targets, Map<String, List<Hold>> stored,
            String now) {
        Map<String, List<Hold>> after = new LinkedHashMap<>();
        stored.forEach((id, holds) -> after.put(id, new ArrayList<>(holds)));
        Set<String> stayingOut = new LinkedHashSet<>();
        Set<String> overridden = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        boolean changed = false;
        String owner = request.owner();
        for (Inspection target : targets.list()) {
            String id = target.server().backend() + "/" + target.server().name();
            List<Hold> held = after.computeIfAbsent(id, k -> new ArrayList<>());
            if (!held.isEmpty() && target.server().adminState() == AdminState.READY) {
                overridden.add(id);
                warnings.add(id + " is held by " + describe(held) + " but was found in rotation (state ready):"
                        + " someone put it back outside hapc; the hold" + (held.size() == 1 ? " is" : "s are")
                        + " kept until released");
            }
            switch (action) {
                case DRAIN_SERVER, STOP_SERVER -> {
                    if (owner == null) {
                        continue;
                    }
                    Hold mine = new Hold(owner, request.reason(), now, action.cliName());
                    int at = indexOf(held, owner);
                    if (at < 0) {
                        held.add(mine);
                        changed = true;
                        notes.add("Hold of " + owner + " recorded on " + id + ".");
                    } else if (!java.util.Objects.equals(held.get(at).reason(), request.reason())
                            || !held.get(at).action().equals(action.cliName())) {
                        // the same owner again: its hold keeps its first since
                        held.set(at, new Hold(owner, request.reason(), held.get(at).since(), action.cliName()));
                        changed = true;
                    }
                }
                case ENABLE_SERVER -> {
                    if (held.isEmpty()) {
                        continue;
                    }
                    if (request.force()) {
                        warnings.add("force: released every hold on " + id + ": " + describe(held));
                        held.clear();
                        changed = true;
                        continue;
                    }
                    int at = owner == null ? -1 : indexOf(held, owner);
                    if (at < 0) {
                        conflicts.add(id + " is held by " + describe(held));
                        continue;
                    }
                    held.remove(at);
                    changed = true;
                    if (held.isEmpty()) {
                        notes.add("Hold of " + owner + " on " + id + " released.");
                    } else {
                        stayingOut.add(id);
                        notes.add("Hold of " + owner + " on " + id + " released; " + id + " stays out of rotation:"
                                + " still held by " + describe(held) + ".");
                    }
                }
                default -> { }
            }
        }
        if (!conflicts.isEmpty()) {
            throw new HapcException(ErrorKind.CONFLICT, "refused, nothing was changed: " + String.join("; ", conflicts)
                    + (owner == null ? "; enable-server needs --owner of the hold" : "; " + owner + " holds none of it")
                    + " (or --force to release every hold)");
        }
        after.values().removeIf(List::isEmpty);
        return new HoldPlan(after, stayingOut, overridden, changed, warnings, notes);
    }

    /** The holds of one target after the call, as the answer's server objects show them. */
    public List<Map<String, Object>> of(String id) {
        return after.getOrDefault(id, List.of()).stream().map(Hold::toJson).toList();
    }

    /** The plan's targets without the ones that stay out (enable with other owners' holds). */
    public Targets acting(Targets targets) {
        if (stayingOut.isEmpty()) {
            return targets;
        }
        return new Targets(targets.list().stream()
                .filter(t -> !stayingOut.contains(t.server().backend() + "/" + t.server().name())).toList(),
                targets.snapshot());
    }

    private static int indexOf(List<Hold> holds, String owner) {
        for (int i = 0; i < holds.size(); i++) {
            if (holds.get(i).owner().equals(owner)) {
                return i;
            }
        }
        return -1;
    }

    static String describe(List<Hold> holds) {
        return holds.stream().map(Hold::describe).collect(Collectors.joining(", "));
    }
}
