package hapc.model;

/**
 * A server's administrative state as the contract names it, derived from HAProxy's
 * {@code srv_admin_state} bit set (see {@link AdminBits}).
 */
public enum AdminState {
    READY, DRAIN, MAINT;

    public String jsonName() {
        return name().toLowerCase();
    }

    /** The word HAProxy's {@code set server B/S state} takes for this state. */
    public String haproxyWord() {
        return jsonName();
    }

    /** The past participle for messages: "drained", "put in maint", "enabled". */
    public String verbed() {
        return switch (this) {
            case READY -> "enabled";
            case DRAIN -> "drained";
            case MAINT -> "put in maintenance";
        };
    }
}
