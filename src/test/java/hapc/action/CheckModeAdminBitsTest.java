package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 6: check mode predicts the admin bits HAProxy then shows. From drain, "state
 * maint" clears the forced drain: HAProxy shows 1, not 9. Every move between the three states is
 * predicted in check mode (nothing sent, on the relay), then made, and the prediction compared
 * with HAProxy's own srv_admin_state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckModeAdminBitsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModePredictsTheBitsHaproxyShows(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server a 127.0.0.1:%1$d
                """.formatted(live.backend().port()));
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        List<String> moves = List.of("drain-server", "stop-server", "drain-server", "enable-server", "stop-server",
                "enable-server");
        for (String action : moves) {
            relay.clear();
            HapcRun check = HapcRun.run("-k", relay.path().toString(), action, "-b", "web", "-s", "a", "--check");
            assertEquals(0, check.exit(), check.stdout());
            assertEquals(List.of(), relay.changes(), "check mode sends nothing");
            int predicted = check.json().at("/after/admin_state_bits").asInt();
            HapcRun run = HapcRun.run("-k", relay.path().toString(), action, "-b", "web", "-s", "a");
            assertEquals(0, run.exit(), run.stdout());
            int shown = RawSocket.adminBits(haproxy.adminSocket(), "web", "a");
            assertEquals(shown, predicted, action + ": check mode predicted " + predicted + ", HAProxy shows " + shown);
            assertEquals(shown, run.json().at("/after/admin_state_bits").asInt(), run.stdout());
        }
    }
}
