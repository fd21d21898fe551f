package hapc.model;

/** HAProxy's {@code srv_op_state}: 0 stopped, 1 starting, 2 running, 3 stopping. */
public enum OperationalState {
    DOWN, STARTING, UP, STOPPING;

    public static OperationalState fromCode(int code) {
        return switch (code) {
            case 1 -> STARTING;
            case 2 -> UP;
            case 3 -> STOPPING;
            default -> DOWN;
        };
    }

    public String jsonName() {
        return name().toLowerCase();
    }
}
