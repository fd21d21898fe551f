package hapc.plan;

import hapc.model.AdminBits;
import hapc.model.AdminState;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a server's admin state that was set at run time and that a reload loses: forced
 * drain and forced maintenance. A forced-maintenance bit next to the "disabled in the config"
 * bit is the config's doing, not an operator's: the new config decides it, so it is not carried.
 */
public record ForcedState(boolean drain, boolean maint) {
    public static final ForcedState NONE = new ForcedState(false, false);

    public static ForcedState of(AdminBits bits) {
        return new ForcedState(bits.has(AdminBits.FORCED_DRAIN),
                bits.has(AdminBits.FORCED_MAINT) && !bits.has(AdminBits.CONFIG_DISABLED));
    }

    public boolean any() {
        return drain || maint;
    }

    /** The state as the contract names it: maintenance wins over drain. */
    public AdminState state() {
        return maint ? AdminState.MAINT : drain ? AdminState.DRAIN : AdminState.READY;
    }

    /**
     * The {@code set server ... state} words that turn {@code current} into this: READY first
     * when a forced bit must go, then DRAIN and MAINT as wanted ({@code state drain} clears a
     * forced maintenance, so MAINT comes last).
     */
    public List<AdminState> stepsFrom(ForcedState current) {
        List<AdminState> steps = new ArrayList<>();
        if (equals(current)) {
            return steps;
        }
        if (current.drain && !drain || current.maint && !maint) {
            steps.add(AdminState.READY);
        }
        if (drain) {
            steps.add(AdminState.DRAIN);
        }
        if (maint) {
            steps.add(AdminState.MAINT);
        }
        return steps;
    }
}
