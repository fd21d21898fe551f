package hapc.action;

/** Sleeping between polls, with the interrupt flag kept for whoever asked us to stop. */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
