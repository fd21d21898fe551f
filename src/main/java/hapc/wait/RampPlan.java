package hapc.wait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * enable-server --ramp SECONDS as steps: {@code n} = SECONDS rounded up intervals (so at least one
 * step a second), step {@code k} (0 to n) at {@code k * SECONDS / n} with the share
 * {@code (k+1)/(n+1)} of the configured weight. Step 0 goes out with the enable itself; the last
 * one is exactly the configured weight. HAProxy's own slowstart does not help here: it only
 * applies when a server leaves MAINT, not DRAIN.
 */
public record RampPlan(double seconds, int intervals) {

    public static RampPlan of(Duration ramp) {
        double seconds = ramp.toNanos() / 1e9;
        return new RampPlan(seconds, Math.max(1, (int) Math.ceil(seconds - 1e-9)));
    }

    public double interval() {
        return seconds / intervals;
    }

    public long atNanos(int step) {
        return Math.round(step * interval() * 1e9);
    }

    public double share(int step) {
        return (step + 1.0) / (intervals + 1.0);
    }

    /**
     * A server's weight at a step: its share of the configured weight, at least 1 (weight 0 would
     * take it out of rotation) and at least {@code floor} (a server the call found in rotation at
     * a reduced weight is never lowered), the configured weight itself at the last step.
     */
    public int weightAt(int step, int configured, int floor) {
        if (step >= intervals) {
            return configured;
        }
        int share = Math.max(1, (int) Math.round(configured * share(step)));
        return Math.min(configured, Math.max(floor, share));
    }

    /** The plan for the answer: when each step goes out and its share, in percent. */
    public List<Map<String, Object>> steps() {
        List<Map<String, Object>> steps = new ArrayList<>(intervals + 1);
        for (int k = 0; k <= intervals; k++) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("at_seconds", Math.round(atNanos(k) / 1e6) / 1000.0);
            step.put("percent", Math.round(share(k) * 1000) / 10.0);
            steps.add(step);
        }
        return steps;
    }
}
