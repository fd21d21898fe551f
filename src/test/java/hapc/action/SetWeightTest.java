package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * set-weight (and enable-server --weight) against real HAProxy 2.6 and 3.0. Every weight is
 * checked on HAProxy's own state ({@code get weight}, {@code srv_uweight} / {@code srv_iweight}
 * of {@code show servers state}) through the test's socket reader, never on hapc's answer alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SetWeightTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    /** app1/app2 weight 100 in web; app1 again in api with weight 7, next to its twin7 (also 7). */
    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100
                    server app2 127.0.0.1:%1$d weight 100
                backend api
                    server app1 127.0.0.1:%1$d weight 7
                    server twin7 127.0.0.1:%1$d weight 7
                """.formatted(live.backend().port()));
    }

    private static int weight(HaproxyProcess haproxy, String backend, String server) {
        return RawSocket.weight(haproxy.adminSocket(), backend, server)[0];
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void absoluteAndRelativeWeightsAreWhatHaproxyHasAfterwards(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        HapcRun absolute = HapcRun.run(haproxy.hapcArgs("set-weight", "-b", "web", "-s", "app1", "--weight", "42"));
        assertEquals(0, absolute.exit(), absolute.stdout());
        assertTrue(absolute.changed());
        assertEquals(42, weight(haproxy, "web", "app1"));
        assertEquals("42", RawSocket.serverState(haproxy.adminSocket(), "web", "app1", "srv_uweight"));
        assertEquals("100", RawSocket.serverState(haproxy.adminSocket(), "web", "app1", "srv_iweight"));
        assertEquals(100, absolute.json().at("/before/weight").asInt());
        assertEquals(42, absolute.json().at("/after/weight").asInt());
        assertEquals(100, absolute.json().at("/after/initial_weight").asInt());
        assertEquals(42, absolute.json().at("/diff/after/weight").asInt());
        assertEquals(100, weight(haproxy, "web", "app2"), "a neighbour is untouched");

        // 50% of 7: hapc computes it as HAProxy does; the twin gets it from HAProxy itself.
        RawSocket.ask(haproxy.adminSocket(), "set weight api/twin7 50%");
        HapcRun share = HapcRun.run(haproxy.hapcArgs("set-weight", "-b", "api", "-s", "app1", "--weight", "50%"));
        assertEquals(0, share.exit(), share.stdout());
        assertEquals(weight(haproxy, "api", "twin7"), weight(haproxy, "api", "app1"));
        assertEquals(3, weight(haproxy, "api", "app1"));

        HapcRun back = HapcRun.runWithInput("{\"action\":\"set-weight\",\"backend\":\"web\",\"server\":\"app1\","
                + "\"weight\":\"100%\"}", haproxy.hapcArgs("--json-in", "-"));
        assertEquals(0, back.exit(), back.stdout());
        assertEquals(100, weight(haproxy, "web", "app1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theSameWeightAgainSendsNothingAndCheckModeChangesNothing(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay control = live.relay(haproxy.adminSocket());
        HapcRun first = HapcRun.run(haproxy.hapcArgsThrough(control, "set-weight", "-b", "web", "-s", "app1",
                "--weight", "50%"));
        assertEquals(0, first.exit(), first.stdout());
        assertEquals(List.of("set weight web/app1 50"), control.changes(), "the relay counts a set weight as a write");
        assertEquals(50, weight(haproxy, "web", "app1"));

        String before = RawSocket.serversState(haproxy.adminSocket());
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcRun again = HapcRun.run(haproxy.hapcArgsThrough(relay, "set-weight", "-b", "web", "-s", "app1", "--weight",
                "50"));
        assertEquals(0, again.exit(), again.stdout());
        assertFalse(again.changed(), again.stdout());
        assertTrue(relay.readServersState(), "the weight was read through the relay: " + relay.commands());
        assertEquals(List.of(), relay.changes(), "nothing sent");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));

        relay.clear();
        HapcRun check = HapcRun.run(haproxy.hapcArgsThrough(relay, "set-weight", "-s", "app1", "--weight", "0",
                "--check"));
        assertEquals(0, check.exit(), check.stdout());
        assertTrue(check.changed(), "check mode says it would change: " + check.stdout());
        assertFalse(relay.commands().isEmpty(), "check mode reads");
        assertEquals(List.of(), relay.changes(), "check mode sends no write");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()));
        check.json().get("targets").forEach(t -> assertEquals(0, t.at("/after/weight").asInt(), t.toString()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void outOfRangeOrMalformedWeightsAreRefusedWithNothingSent(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String before = RawSocket.serversState(haproxy.adminSocket());
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        for (String bad : List.of("300", "-1", "50.5%", "abc", "101%", "257", "1e2", "")) {
            HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "set-weight", "-b", "web", "-s", "app1",
                    "--weight", bad));
            assertEquals(2, run.exit(), bad + ": " + run.stdout());
            assertEquals(List.of(), relay.commands(), "nothing sent for " + bad);
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), bad);
        }
        for (String bad : List.of("300", "-1", "50.5", "\"50.5%\"", "\"abc\"", "\"101%\"", "null", "\"-5%\"")) {
            HapcRun run = HapcRun.runWithInput("{\"action\":\"set-weight\",\"server\":\"app1\",\"weight\":" + bad + "}",
                    haproxy.hapcArgsThrough(relay, "--json-in", "-"));
            assertEquals(2, run.exit(), bad + ": " + run.stdout());
            assertEquals(List.of(), relay.commands(), "nothing sent for " + bad);
            assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), bad);
        }
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void withoutBackendEveryBackendWithTheServerAndWeightZeroCountsForTheGuard(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        String before = RawSocket.serversState(haproxy.adminSocket());
        // api has app1 and twin7 in rotation: taking app1 out leaves 1 < 2.
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcRun refused = HapcRun.run(haproxy.hapcArgsThrough(relay, "set-weight", "-s", "app1", "--weight", "0",
                "--min-up", "2"));
        assertEquals(1, refused.exit(), refused.stdout());
        assertEquals("capacity", refused.errorKind());
        assertEquals(List.of(), relay.changes(), "refused: nothing sent");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), "refused: nothing changed");

        HapcRun run = HapcRun.run(haproxy.hapcArgs("set-weight", "-s", "app1", "-s", "twin7", "--weight", "25%"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(3, run.json().get("targets").size(), run.stdout());
        assertEquals(25, weight(haproxy, "web", "app1"));
        assertEquals(1, weight(haproxy, "api", "app1"), "25% of 7, rounded down as HAProxy does");
        assertEquals(1, weight(haproxy, "api", "twin7"));
        assertEquals(100, weight(haproxy, "web", "app2"), "not named: untouched");

        HapcRun out = HapcRun.run(haproxy.hapcArgs("set-weight", "-b", "web", "-s", "app1", "--weight", "0",
                "--min-up", "1"));
        assertEquals(0, out.exit(), out.stdout());
        assertEquals(0, weight(haproxy, "web", "app1"));
        assertEquals(1, out.json().at("/capacity/0/up_after").asInt(), out.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void setWeightLeavesTheAdminStateAndEnableWithWeightSetsBoth(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
        HapcRun run = HapcRun.run(haproxy.hapcArgs("set-weight", "-b", "web", "-s", "app1", "--weight", "10"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "app1"), "set-weight never enables");
        assertEquals(10, weight(haproxy, "web", "app1"));

        HapcRun enable = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--weight", "60%"));
        assertEquals(0, enable.exit(), enable.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "web", "app1"));
        assertEquals(60, weight(haproxy, "web", "app1"));
        HapcRun again = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "app1", "--weight", "60"));
        assertFalse(again.changed(), again.stdout());
    }
}
