package hapc.wait;

/** Sleeping between polls, with the interrupt flag kept for whoever asked us to stop. */
public final class Pause {
    private Pause() {
    }

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
