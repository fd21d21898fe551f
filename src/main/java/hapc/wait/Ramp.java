package hapc.wait;

import hapc.action.EnableServer;
import hapc.plan.PlannedChange;
import hapc.plan.TargetList;
import hapc.plan.WantedState;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.Server;
import hapc.runtime.LiveServers;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.ServerSnapshot;
import hapc.runtime.WriteFate;
import hapc.runtime.Written;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The climb of enable-server --ramp once its first step is out (it goes with the enable). Before
 * each step the backends are read once: a server someone else drained or re-weighted meanwhile
 * stops the ramp (kind conflict) rather than being fought. Each step is planned by
 * {@link WantedState} like any change and sent in ONE write for every server at once.
 */
public final class Ramp {
    /**
     * A server the ramp raises: found out of rotation (the call enabled it) or in rotation below
     * its configured weight (say, after an interrupted ramp: it goes on from there).
     *
     * @param floor the weight it is never lowered below
     */
    public record Climber(String backend, String server, int floor) {
        public String id() {
            return backend + "/" + server;
        }
    }

    private final LiveServers live;
    private final RampPlan plan;
    private final List<Climber> climbers;
    private final Map<String, Integer> weights = new LinkedHashMap<>();
    private int stepsDone = 1;

    /** @param firstWeights each climber's weight after step 0 */
    public Ramp(LiveServers live, RampPlan plan, List<Climber> climbers, Map<String, Integer> firstWeights) {
        this.live = live;
        this.plan = plan;
        this.climbers = climbers;
        climbers.forEach(c -> weights.put(c.id(), firstWeights.get(c.id())));
    }

    /** Steps sent so far, step 0 (with the enable) included. */
    public int stepsDone() {
        return stepsDone;
    }

    /** Each climber's weight as last set by the ramp. */
    public Map<String, Integer> weights() {
        return weights;
    }

    /**
     * Runs steps 1 to n, each at its time from {@code start}.
     *
     * @throws HapcException timeout when a step falls after the deadline, interrupted on Ctrl-C,
     *                       conflict when someone else changed a server, or what HAProxy said
     */
    public void run(long start, long deadline, Interruption interruption, String what,
            Consumer<EnableServer.RampProgress> progress) {
        Set<String> backends = backends();
        for (int k = 1; k <= plan.intervals(); k++) {
            long due = start + plan.atNanos(k);
            long now = System.nanoTime();
            boolean late = due > deadline;
            if (!interruption.pause((Math.min(due, deadline) - now) / 1_000_000)) {
                throw new HapcException(ErrorKind.INTERRUPTED, "interrupted during the ramp of " + what);
            }
            if (late) {
                throw new HapcException(ErrorKind.TIMEOUT, "the deadline came before the ramp of " + what
                        + " was done");
            }
            step(k, live.readPresent(backends));
            progress.accept(new EnableServer.RampProgress(what, k, plan.intervals(), summary(),
                    (System.nanoTime() - start) / 1e9, plan.seconds()));
        }
    }

    private void step(int k, ServerSnapshot read) {
        List<Climber> gone = gone(read);
        if (!gone.isEmpty()) {
            throw vanished(gone);
        }
        List<PlannedChange> changes = new ArrayList<>();
        for (Climber climber : climbers) {
            Inspection found = read.find(climber.backend(), climber.server()).orElseThrow();
            Server now = found.server();
            int last = weights.get(climber.id());
            if (now.adminState() != AdminState.READY || now.weight() != last) {
                throw new HapcException(ErrorKind.CONFLICT, climber.id() + " was changed by someone else during the"
                        + " ramp (it is now " + now.adminState().jsonName() + " with weight " + now.weight()
                        + "; the ramp had set " + last + "); the ramp stopped and left it as it is");
            }
            changes.add(WantedState.weightOnly(s -> plan.weightAt(k, s.initialWeight(), climber.floor()))
                    .planFor(found));
        }
        List<List<String>> groups = changes.stream().map(PlannedChange::commands).toList();
        Written written = live.write(groups);
        List<List<Written.Sent>> sentPerClimber = written.byGroup(groups);
        String refused = null;
        for (int c = 0; c < changes.size(); c++) {
            PlannedChange change = changes.get(c);
            for (Written.Sent sent : sentPerClimber.get(c)) {
                if (sent.fate() == WriteFate.APPLIED) {
                    weights.put(change.id(), change.expected().weight());
                } else if (sent.fate() == WriteFate.REFUSED && refused == null) {
                    refused = "HAProxy refused '" + sent.command() + "': " + sent.refusal();
                }
            }
        }
        if (written.broken() != null) {
            // the weights taken so far are in weights(): the answer says where each server was left
            throw new HapcException(written.broken().kind(), "step " + k + " of the ramp broke off in exchange "
                    + written.brokenAt() + " of " + written.exchanges() + ": " + written.broken().getMessage()
                    + "; nothing was sent after it", written.broken());
        }
        if (refused != null) {
            // A reload between this step's read and its write: the new worker answers "No such
            // server/backend" for a server it no longer has. That is the server leaving, not a failure.
            if (refused.contains("No such")) {
                List<Climber> left = gone(live.readPresent(backends()));
                if (!left.isEmpty()) {
                    throw vanished(left);
                }
            }
            throw new HapcException(ErrorKind.HAPROXY, refused);
        }
        stepsDone = k + 1;
    }

    private List<Climber> gone(ServerSnapshot read) {
        return climbers.stream().filter(c -> read.find(c.backend(), c.server()).isEmpty()).toList();
    }

    private Set<String> backends() {
        Set<String> backends = new LinkedHashSet<>();
        climbers.forEach(c -> backends.add(c.backend()));
        return backends;
    }

    /**
     * A server the running HAProxy no longer has (a reload without it in the config, or deleted
     * at run time) has no weight to raise: the ramp stops before this step's write (kind conflict),
     * naming it and the steps already sent; the others stay at the weight of the last step.
     */
    private HapcException vanished(List<Climber> gone) {
        List<String> ids = gone.stream().map(Climber::id).toList();
        List<Map<String, Object>> named = new ArrayList<>();
        for (Climber climber : gone) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("backend", climber.backend());
            entry.put("server", climber.server());
            named.add(entry);
        }
        return new HapcException(ErrorKind.CONFLICT, TargetList.shortened(ids, ", ")
                + " left the running HAProxy during the ramp (a reload without " + (ids.size() == 1 ? "it" : "them")
                + " in the config, or deleted at run time) after step " + stepsDone + " of " + (plan.intervals() + 1)
                + "; the ramp stopped", null, Map.of("vanished", named));
    }

    /** "weight 50" for one server, "weights 50, 25" for a few, a range for many. */
    private String summary() {
        List<Integer> values = List.copyOf(weights.values());
        if (values.size() == 1) {
            return "weight " + values.get(0);
        }
        int min = values.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = values.stream().mapToInt(Integer::intValue).max().orElse(0);
        return "weights " + (min == max ? String.valueOf(min) : min + " to " + max);
    }
}
