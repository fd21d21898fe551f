package hapc.testing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a property test's generated inputs fell: valid requests or refused with exit 2. A reader
 * that refused everything (or took everything) would pass the property's invariant; asserting
 * the split against bounds worked out from the generator is what makes the property test able
 * to fail for that.
 */
public final class Split {
    private final String name;
    private final AtomicInteger valid = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public Split(String name) {
        this.name = name;
    }

    public void valid() {
        valid.incrementAndGet();
    }

    public void refused() {
        refused.incrementAndGet();
    }

    @Override
    public String toString() {
        return name + ": " + (valid.get() + refused.get()) + " inputs, " + valid.get() + " valid requests, "
                + refused.get() + " refused with exit 2";
    }

    /**
     * Prints the counts, then fails unless {@code tries} inputs were seen and the valid share is
     * within the bounds. Nothing seen is the property not selected in this run (one method of
     * the class run alone), not a split.
     */
    public void assertValidShareBetween(int tries, double atLeast, double atMost) {
        int total = valid.get() + refused.get();
        if (total == 0) {
            return;
        }
        System.out.println(this);
        if (total != tries) {
            throw new AssertionError(this + ": expected " + tries + " inputs");
        }
        double share = (double) valid.get() / total;
        if (share < atLeast || share > atMost) {
            throw new AssertionError(this + ": the valid share " + share + " is outside [" + atLeast + ", " + atMost
                    + "] that the generator gives");
        }
    }
}
