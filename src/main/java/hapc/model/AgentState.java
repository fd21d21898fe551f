package hapc.model;

/**
 * A server's agent check as {@code srv_agent_state} describes it: none configured, running, or
 * paused ({@code disable agent}). It matters because an agent answering "ready" undoes a drain or
 * a maintenance set through the CLI at its next interval.
 */
public enum AgentState {
    NONE, RUNNING, PAUSED;

    /** HAProxy's check-state bits: 0x02 configured, 0x04 enabled. */
    private static final int CONFIGURED = 0x02;
    public static final int ENABLED = 0x04;

    public static AgentState fromBits(int bits) {
        if ((bits & CONFIGURED) == 0) {
            return NONE;
        }
        return (bits & ENABLED) != 0 ? RUNNING : PAUSED;
    }

    public String jsonName() {
        return name().toLowerCase();
    }
}
