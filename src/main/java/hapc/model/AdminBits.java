package hapc.model;

/**
 * HAProxy's {@code srv_admin_state} bit set. It is a set, not a code: a server can be forced
 * into drain and inherit maintenance at once, and the "disabled in the config" bit stays set as
 * a marker even after the server was put back with {@code state ready}.
 */
public record AdminBits(int value) {
    public static final int FORCED_MAINT = 0x01;
    public static final int INHERITED_MAINT = 0x02;
    public static final int CONFIG_DISABLED = 0x04;
    public static final int FORCED_DRAIN = 0x08;
    public static final int INHERITED_DRAIN = 0x10;
    public static final int RESOLUTION_MAINT = 0x20;

    private static final int ANY_MAINT = FORCED_MAINT | INHERITED_MAINT | RESOLUTION_MAINT;
    private static final int ANY_DRAIN = FORCED_DRAIN | INHERITED_DRAIN;

    public boolean has(int bit) {
        return (value & bit) != 0;
    }

    /**
     * Maintenance wins over drain. A config-disabled server starts with FORCED_MAINT set as
     * well, so CONFIG_DISABLED alone (left behind after {@code state ready}) means ready.
     */
    public AdminState state() {
        if ((value & ANY_MAINT) != 0) {
            return AdminState.MAINT;
        }
        if ((value & ANY_DRAIN) != 0) {
            return AdminState.DRAIN;
        }
        return AdminState.READY;
    }

    /** Why the server is in its state, for the operator who has to undo it. */
    public String source() {
        return switch (state()) {
            case READY -> "none";
            case MAINT -> has(FORCED_MAINT) ? (has(CONFIG_DISABLED) ? "config" : "forced")
                    : has(RESOLUTION_MAINT) ? "resolution" : "inherited";
            case DRAIN -> has(FORCED_DRAIN) ? "forced" : "inherited";
        };
    }

    /**
     * Whether {@code set server B/S state <wanted>} would change anything. Inherited states
     * cannot be changed on this server, so only the forced bits count.
     */
    public boolean needsChangeTo(AdminState wanted) {
        return switch (wanted) {
            case READY -> has(FORCED_MAINT) || has(FORCED_DRAIN);
            case DRAIN -> !has(FORCED_DRAIN) || has(FORCED_MAINT);
            case MAINT -> !has(FORCED_MAINT);
        };
    }

    /** The bit set HAProxy will hold after {@code set server B/S state <wanted>}. */
    public AdminBits after(AdminState wanted) {
        int forced = FORCED_MAINT | FORCED_DRAIN;
        return switch (wanted) {
            case READY -> new AdminBits(value & ~forced);
            case DRAIN -> new AdminBits((value & ~forced) | FORCED_DRAIN);
            // HAProxy's "state maint" clears a forced drain (srv_adm_set_maint): drain -> stop shows 1, not 9.
            case MAINT -> new AdminBits((value & ~FORCED_DRAIN) | FORCED_MAINT);
        };
    }
}
