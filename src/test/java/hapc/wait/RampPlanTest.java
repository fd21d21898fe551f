package hapc.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ramp's steps decided from --ramp and the weights: counts, times, shares and weights. */
class RampPlanTest {
    private static List<Integer> weights(RampPlan plan, int configured, int floor) {
        List<Integer> all = new ArrayList<>();
        for (int k = 0; k <= plan.intervals(); k++) {
            all.add(plan.weightAt(k, configured, floor));
        }
        return all;
    }

    @Test
    void atLeastOneStepASecondRoundedUpAndNeverNone() {
        assertEquals(3, RampPlan.of(Duration.ofSeconds(3)).intervals());
        assertEquals(3, RampPlan.of(Duration.ofMillis(2500)).intervals());
        assertEquals(1, RampPlan.of(Duration.ofMillis(200)).intervals());
        assertEquals(1, RampPlan.of(Duration.ZERO).intervals());
        assertEquals(10, RampPlan.of(Duration.ofSeconds(10)).intervals(), "no extra step from rounding");
        assertEquals(0.8333, RampPlan.of(Duration.ofMillis(2500)).interval(), 1e-3);
    }

    @Test
    void stepsStartAtOnceAndEndAtTheRampsEnd() {
        RampPlan plan = RampPlan.of(Duration.ofSeconds(3));
        assertEquals(List.of(0L, 1_000_000_000L, 2_000_000_000L, 3_000_000_000L),
                List.of(plan.atNanos(0), plan.atNanos(1), plan.atNanos(2), plan.atNanos(3)));
        assertEquals(List.of(Map.of("at_seconds", 0.0, "percent", 25.0), Map.of("at_seconds", 1.0, "percent", 50.0),
                Map.of("at_seconds", 2.0, "percent", 75.0), Map.of("at_seconds", 3.0, "percent", 100.0)), plan.steps());
    }

    @Test
    void weightsClimbToExactlyTheConfiguredWeight() {
        assertEquals(List.of(25, 50, 75, 100), weights(RampPlan.of(Duration.ofSeconds(3)), 100, 0));
        assertEquals(List.of(33, 67, 100), weights(RampPlan.of(Duration.ofSeconds(2)), 100, 0));
        assertEquals(List.of(2, 5, 7), weights(RampPlan.of(Duration.ofSeconds(2)), 7, 0), "7/3 and 14/3 rounded, last exact");
    }

    @Test
    void neverWeightZeroAndNeverBelowTheFloor() {
        // 2 x (k+1)/21 rounds to 0 for the first steps: held at 1, since weight 0 would take it out of rotation.
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2),
                weights(RampPlan.of(Duration.ofSeconds(20)), 2, 0));
        assertEquals(List.of(60, 60, 75, 100), weights(RampPlan.of(Duration.ofSeconds(3)), 100, 60),
                "a server found at 60 is never lowered");
        assertEquals(List.of(100, 100, 100, 100), weights(RampPlan.of(Duration.ofSeconds(3)), 100, 150),
                "a floor above the configured weight is capped, the last step is the configured weight");
    }
}
