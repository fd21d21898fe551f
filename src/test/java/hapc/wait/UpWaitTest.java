package hapc.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.model.AdminBits;
import hapc.model.OperationalState;
import hapc.runtime.RuntimeApi.ServerView;
import hapc.runtime.ServerLoad;
import hapc.runtime.StatRow;
import hapc.runtime.StateRow;
import org.junit.jupiter.api.Test;

/**
 * enable --wait's decision "this server is up", on the rows HAProxy gives (status and check
 * status as {@code show stat} writes them on 2.2, 2.6 and 3.0): running, and UP after a check
 * that passed, or "no check". What a server leaving MAINT shows before its first check is not up.
 */
class UpWaitTest {
    private static ServerView view(OperationalState op, String status, String check) {
        StateRow state = new StateRow("web", "app1", new AdminBits(0), op, "127.0.0.1", 80, 100, 100, 0, 2, 1);
        return new ServerView(state, new StatRow("app1", status, 100, "127.0.0.1:80", ServerLoad.NONE, check, false));
    }

    @Test
    void upAfterAPassedCheckOrWithoutCheck() {
        for (String passed : new String[] {"L4OK", "L6OK", "L7OK", "L7OKC", "PROCOK", "* L4OK", "* L7OK"}) {
            assertTrue(UpWait.isUp(view(OperationalState.UP, "UP", passed)), passed);
        }
        assertTrue(UpWait.isUp(view(OperationalState.UP, "no check", null)));
        assertTrue(UpWait.isUp(view(OperationalState.UP, "no check", "")));
    }

    @Test
    void notUpBeforeTheCheckHasPassed() {
        // Leaving MAINT, HAProxy says UP before any check: "UP 1/2" with fall 2+, or UP with the last failure.
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP 1/2", "L4OK")), "health below its maximum");
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP", "L4CON")), "the last check failed");
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP", "* L4CON")), "the last check failed, next running");
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP", "L7STS")));
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP", "INI")), "not checked yet");
        assertFalse(UpWait.isUp(view(OperationalState.UP, "UP", null)));
        assertFalse(UpWait.isUp(view(OperationalState.UP, "DOWN 1/2", "L4OK")), "going up, not there yet");
    }

    @Test
    void notUpWhenHaproxyDoesNotRunItOrGaveNoStats() {
        assertFalse(UpWait.isUp(view(OperationalState.DOWN, "DOWN", "L4CON")));
        assertFalse(UpWait.isUp(view(OperationalState.STARTING, "UP", "L4OK")), "srv_op_state must be 2");
        assertFalse(UpWait.isUp(view(OperationalState.STOPPING, "NOLB", "L4OK")));
        assertFalse(UpWait.isUp(view(OperationalState.DOWN, "no check", null)), "no check but stopped");
        assertFalse(UpWait.isUp(view(OperationalState.DOWN, "MAINT", null)));
        StateRow state = new StateRow("web", "app1", new AdminBits(0), OperationalState.UP, "127.0.0.1", 80, 1, 1, 0, 2, 1);
        assertFalse(UpWait.isUp(new ServerView(state, null)), "no show stat row: not known to be up");
    }

    @Test
    void secondsAreSaidWithOneDecimalWhateverTheLocale() {
        assertEquals("1.5", UpWait.seconds(1.46));
        assertEquals("0.0", UpWait.seconds(0.0));
    }
}
