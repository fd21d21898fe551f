package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, case 5: a target's {@code changed} is what HAProxy took, not what was planned, and
 * stop-server's {@code sessions_killed} is whether the kill went out (on the relay).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RefusedTargetsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, """
                backend rr
                    server a 127.0.0.1:%1$d weight 10
                backend hashed
                    balance source
                    server a 127.0.0.1:%1$d weight 10
                """.formatted(live.backend().port()));
    }

    /**
     * A config that says hash-type consistent where the running HAProxy hashes map-based (edited
     * and not yet reloaded): hapc lets the weight through and HAProxy refuses it.
     */
    private static Path staleConfig(HaproxyProcess haproxy) throws IOException {
        Path stale = haproxy.dir().resolve("stale.cfg");
        Files.writeString(stale, Files.readString(haproxy.config()).replace("balance source",
                "balance source\n    hash-type consistent"));
        return stale;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aTargetHaproxyRefusedIsNotChanged(String binary) throws IOException {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        Path stale = staleConfig(haproxy);

        HapcRun one = HapcRun.run("-k", relay.path().toString(), "-c", stale.toString(), "set-weight", "-b", "hashed",
                "-s", "a", "--weight", "5");
        assertEquals(1, one.exit(), one.stdout());
        assertEquals("haproxy", one.errorKind());
        assertTrue(relay.changes().contains("set weight hashed/a 5"), "sent: " + relay.changes());
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "hashed", "a")[0], "HAProxy refused it");
        assertFalse(one.changed(), one.stdout());
        assertFalse(one.json().at("/targets/0/changed").asBoolean(), one.stdout());

        relay.clear();
        HapcRun both = HapcRun.run("-k", relay.path().toString(), "-c", stale.toString(), "set-weight", "-s", "a",
                "--weight", "5");
        assertEquals(1, both.exit(), both.stdout());
        assertEquals(5, RawSocket.weight(haproxy.adminSocket(), "rr", "a")[0]);
        assertEquals(10, RawSocket.weight(haproxy.adminSocket(), "hashed", "a")[0]);
        assertTrue(both.changed(), "rr/a was changed: " + both.stdout());
        for (JsonNode target : both.json().get("targets")) {
            boolean taken = target.get("backend").asText().equals("rr");
            assertEquals(taken, target.get("changed").asBoolean(), target.toString());
            assertEquals(!taken, target.get("failed").asBoolean(), target.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void sessionsKilledSaysWhetherTheKillWentOut(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun check = HapcRun.run("-k", relay.path().toString(), "stop-server", "-b", "rr", "-s", "a", "--check");
        assertEquals(0, check.exit(), check.stdout());
        assertEquals(List.of(), relay.changes());
        assertFalse(check.json().get("sessions_killed").asBoolean(), check.stdout());

        // No session open: the kill still goes with the maintenance write (a session may open in between).
        HapcRun stop = HapcRun.run("-k", relay.path().toString(), "stop-server", "-b", "rr", "-s", "a");
        assertEquals(0, stop.exit(), stop.stdout());
        assertEquals("maint", ServerStates.of(haproxy, "rr", "a"));
        boolean sent = relay.changes().contains("shutdown sessions server rr/a");
        assertTrue(sent, "sent: " + relay.changes());
        assertEquals(sent, stop.json().get("sessions_killed").asBoolean(), stop.stdout());
        assertEquals(sent, stop.json().at("/targets/0/sessions_killed").asBoolean(), stop.stdout());

        relay.clear();
        HapcRun again = HapcRun.run("-k", relay.path().toString(), "stop-server", "-b", "rr", "-s", "a");
        assertEquals(0, again.exit(), again.stdout());
        assertEquals(List.of(), relay.changes(), "already in maintenance with no session: nothing sent");
        assertFalse(again.json().get("sessions_killed").asBoolean(), again.stdout());
    }
}
