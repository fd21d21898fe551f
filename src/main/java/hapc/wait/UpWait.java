package hapc.wait;

import hapc.action.EnableServer;
import hapc.plan.PlannedChange;
import hapc.plan.TargetList;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.OperationalState;
import hapc.runtime.LiveServers;
import hapc.runtime.RuntimeApi.ServerView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * enable-server --wait: after enabling, poll until HAProxy says every target is operationally
 * up: {@code srv_op_state} 2 and a {@code show stat} status of UP (its health check passed
 * {@code rise} times) or "no check" (a server without health check is up at once). Each poll is
 * one exchange about the backends concerned only (their {@code show servers state} and
 * {@code show stat}), 100 ms apart: a server that comes up is seen within a poll.
 */
public final class UpWait {
    public static final long POLL_MILLIS = 100;

    private UpWait() {
    }

    /**
     * Waits for every target; returns the health entry of each (for the answer).
     *
     * @param started  when the wait started (System.nanoTime)
     * @param deadline when it gives up (System.nanoTime)
     * @throws HapcException kind timeout at the deadline, interrupted on Ctrl-C; the message says
     *                       which servers are not up and their check status
     */
    public static List<Map<String, Object>> await(LiveServers live, List<PlannedChange> targets, String what, long started,
            long deadline, Interruption interruption, Consumer<EnableServer.UpProgress> progress) {
        Map<String, Double> upAfter = new LinkedHashMap<>();
        Set<String> backends = new java.util.LinkedHashSet<>();
        targets.forEach(t -> backends.add(t.before().backend()));
        while (true) {
            // a backend a reload removed is left out, not an error: its servers are gone, said below
            Map<String, Map<String, ServerView>> read = live.api().readPresent(backends);
            long now = System.nanoTime();
            List<Map<String, Object>> health = new ArrayList<>();
            List<String> notUp = new ArrayList<>();
            List<PlannedChange> gone = new ArrayList<>();
            for (PlannedChange target : targets) {
                ServerView view = read.getOrDefault(target.before().backend(), Map.of()).get(target.before().name());
                if (view == null) {
                    gone.add(target);
                    continue;
                }
                String status = view.stat() == null ? "" : view.stat().status();
                String check = view.stat() == null ? null : view.stat().checkStatus();
                boolean up = isUp(view);
                if (up) {
                    upAfter.putIfAbsent(target.id(), (now - started) / 1e9);
                } else {
                    notUp.add(target.id() + " " + (status.isEmpty() ? "not up" : status)
                            + (check == null ? "" : ", check " + check));
                }
                health.add(entry(target, status, check, up, upAfter.get(target.id())));
            }
            double waited = (now - started) / 1e9;
            if (!gone.isEmpty()) {
                throw vanished(gone, targets, what, waited, health);
            }
            progress.accept(new EnableServer.UpProgress(what, targets.size(), targets.size() - notUp.size(),
                    notUp.isEmpty() ? "up" : notUp.get(0), waited, (deadline - started) / 1e9));
            if (notUp.isEmpty()) {
                return health;
            }
            String state = targets.size() == 1 ? notUp.get(0).substring(targets.get(0).id().length() + 1)
                    : notUp.size() + " of " + targets.size() + " not up: " + TargetList.shortened(notUp, "; ");
            if (now >= deadline) {
                throw new HapcException(ErrorKind.TIMEOUT, what + (targets.size() == 1 ? " is" : " are")
                        + " enabled but not up after " + seconds(waited) + " s (" + state + "); "
                        + (targets.size() == 1 ? "it stays" : "they stay") + " enabled.", null,
                        Map.of("health", health));
            }
            if (!interruption.pause(Math.min(POLL_MILLIS, (deadline - now) / 1_000_000 + 1))) {
                throw new HapcException(ErrorKind.INTERRUPTED, "interrupted after " + seconds(waited)
                        + " s of waiting for " + what + " to be up (" + state + "); "
                        + (targets.size() == 1 ? "it stays" : "they stay") + " enabled.", null,
                        Map.of("health", health));
            }
        }
    }

    /**
     * A target the running HAProxy no longer has (a reload without it in the config, or deleted
     * at run time) can never come up: the wait stops there, kind conflict, naming it, with the
     * health of the others as last read. The enable was done; nothing else is sent.
     */
    private static HapcException vanished(List<PlannedChange> gone, List<PlannedChange> targets, String what,
            double waited, List<Map<String, Object>> health) {
        List<String> ids = gone.stream().map(PlannedChange::id).toList();
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("health", health);
        partial.put("vanished", named(gone));
        return new HapcException(ErrorKind.CONFLICT, what + (targets.size() == 1 ? " was" : " were") + " enabled, then "
                + TargetList.shortened(ids, ", ") + " left the running HAProxy"
                + " (a reload without " + (ids.size() == 1 ? "it" : "them") + " in the config, or deleted at run time)"
                + " while waiting to be up; the wait stopped after " + seconds(waited) + " s", null, partial);
    }

    /** The {@code vanished} entries of an answer: backend and server of each. */
    private static List<Map<String, Object>> named(List<PlannedChange> gone) {
        List<Map<String, Object>> named = new ArrayList<>();
        for (PlannedChange target : gone) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("backend", target.before().backend());
            entry.put("server", target.before().name());
            named.add(entry);
        }
        return named;
    }

    /**
     * Running ({@code srv_op_state} 2) with a status of exactly UP and a last check that passed, or
     * "no check". Checked on 2.6 and 3.0: a server leaving MAINT is set UP by HAProxy before any
     * check ("start OK but check immediately"): "UP 1/2" (health at rise, below its maximum) with
     * fall 2 or more, plain "UP" with fall 1, then DOWN once the check fails. Neither is a check
     * that passed: "UP 1/2" is not UP, and with fall 1 the last check status still shows the
     * failure (L4CON...). What remains unseen: with fall 1, a check that passed before the MAINT
     * and fails after it looks passed until that first check (one inter) is done.
     */
    public static boolean isUp(ServerView view) {
        if (view.state().operational() != OperationalState.UP || view.stat() == null) {
            return false;
        }
        String status = view.stat().status();
        if (status.equals("no check")) {
            return true;
        }
        String check = view.stat().checkStatus() == null ? "" : view.stat().checkStatus();
        // "* L4OK" while the next check runs: the last result is after the marker.
        return status.equals("UP") && PASSED.contains(check.startsWith("* ") ? check.substring(2) : check);
    }

    /** The check results that mean "passed" (doc/management.txt, check_status). */
    private static final Set<String> PASSED = Set.of("L4OK", "L6OK", "L7OK", "L7OKC", "PROCOK");

    private static Map<String, Object> entry(PlannedChange target, String status, String check, boolean up,
            Double after) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("backend", target.before().backend());
        entry.put("server", target.before().name());
        entry.put("up", up);
        entry.put("checked", !status.equals("no check"));
        entry.put("status", status);
        entry.put("check_status", check);
        entry.put("up_after_seconds", after == null ? null : Math.round(after * 1000) / 1000.0);
        return entry;
    }

    public static String seconds(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }
}
