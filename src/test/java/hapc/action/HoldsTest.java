package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Procs;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19's maintenance holds on a real HAProxy: who took a server out, and who may put it
 * back. Every state is checked on HAProxy's socket; "nothing sent" on the recording relay the
 * calls go through.
 */
class HoldsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    /** The lock and hold store of this test only (deleted afterwards). */
    @TempDir
    Path stateDir;

    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, "backend web\n    server s1 127.0.0.1:" + backend.port() + "\n    server s2 127.0.0.1:"
                + backend.port() + "\n");
    }

    private HapcRun call(Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("-k", socket.toString(), "--state-dir", stateDir.toString()));
        all.addAll(List.of(args));
        return HapcRun.run(all.toArray(String[]::new));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void twoOwnersEachReleaseTheirOwnAndTheServerComesBackWithTheLast(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        Path k = relay.path();
        HapcRun alice = call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice", "--reason", "disk swap");
        assertEquals(0, alice.exit(), alice.stdout());
        assertEquals("alice", alice.json().at("/after/holds/0/owner").asText(), alice.stdout());
        HapcRun bob = call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "bob", "--reason", "deploy 42");
        assertEquals(0, bob.exit(), bob.stdout());
        assertTrue(bob.changed(), "a new hold counts as a change: " + bob.stdout());
        assertEquals(2, bob.json().at("/after/holds").size(), bob.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
        HapcRun listed = call(k, "list-servers", "-b", "web", "-d");
        assertEquals(List.of("alice", "bob"), listed.json().at("/servers/0/holds").findValuesAsText("owner"),
                listed.stdout());
        assertEquals(0, listed.json().at("/servers/1/holds").size(), listed.stdout());

        relay.clear();
        HapcRun anonymous = call(k, "enable-server", "-b", "web", "-s", "s1");
        assertEquals(1, anonymous.exit(), anonymous.stdout());
        assertEquals("conflict", anonymous.errorKind(), anonymous.stdout());
        assertTrue(anonymous.msg().contains("alice") && anonymous.msg().contains("disk swap")
                && anonymous.msg().contains("bob") && anonymous.msg().contains("since"), anonymous.msg());
        HapcRun carol = call(k, "enable-server", "-b", "web", "-s", "s1", "--owner", "carol");
        assertEquals(1, carol.exit(), carol.stdout());
        assertEquals("conflict", carol.errorKind(), carol.stdout());
        assertEquals(List.of(), relay.changes(), "refused enables send nothing");
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));

        HapcRun aliceBack = call(k, "enable-server", "-b", "web", "-s", "s1", "--owner", "alice");
        assertEquals(0, aliceBack.exit(), aliceBack.stdout());
        assertTrue(aliceBack.changed(), aliceBack.stdout());
        assertTrue(aliceBack.msg().contains("still held by bob"), aliceBack.msg());
        assertEquals(List.of(), relay.changes(), "bob still holds it: nothing sent");
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));

        HapcRun bobBack = call(k, "enable-server", "-b", "web", "-s", "s1", "--owner", "bob");
        assertEquals(0, bobBack.exit(), bobBack.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
        assertEquals(0, bobBack.json().at("/after/holds").size(), bobBack.stdout());
        HapcRun free = call(k, "enable-server", "-b", "web", "-s", "s1");
        assertEquals(0, free.exit(), "no holds left, no owner needed: " + free.stdout());
        assertEquals(false, free.changed(), free.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void forceReleasesEveryHoldWithAWarningAndCheckModeWritesNoHold(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        Path k = haproxy.adminSocket();
        assertEquals(0, call(k, "stop-server", "-b", "web", "-s", "s2", "--owner", "ops", "--reason", "psu").exit());
        HapcRun checked = call(k, "enable-server", "-b", "web", "-s", "s2", "--owner", "ops", "-C");
        assertEquals(0, checked.exit(), checked.stdout());
        assertEquals(0, checked.json().at("/after/holds").size(), "check mode reports the release: "
                + checked.stdout());
        assertEquals(1, call(k, "enable-server", "-b", "web", "-s", "s2").exit(),
                "check mode released nothing in the store");
        assertEquals("maint", ServerStates.of(haproxy, "web", "s2"));
        HapcRun forced = call(k, "enable-server", "-b", "web", "-s", "s2", "--force");
        assertEquals(0, forced.exit(), forced.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "web", "s2"));
        assertTrue(forced.json().get("warnings").toString().contains("ops"), forced.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aHeldServerPutBackOutsideHapcIsReportedAndItsHoldKept(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        Path k = haproxy.adminSocket();
        assertEquals(0, call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice").exit());
        hapc.testing.RawSocket.ask(k, "set server web/s1 state ready");
        HapcRun again = call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice");
        assertEquals(0, again.exit(), again.stdout());
        assertTrue(again.json().get("warnings").toString().contains("outside hapc"), again.stdout());
        assertEquals(true, again.json().at("/targets/0/held_in_rotation").asBoolean(), again.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void holdsSurviveReloadHaproxy(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        Path k = haproxy.adminSocket();
        assertEquals(0, call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice").exit());
        int before = Procs.currentWorker(haproxy.masterSocket());
        HapcRun reload = HapcRun.run("reload-haproxy", "-c", haproxy.config().toString(), "--master-socket",
                haproxy.masterSocket().toString(), "--haproxy-bin", haproxy.binary(), "--state-dir",
                stateDir.toString());
        assertEquals(0, reload.exit(), reload.stdout());
        assertNotEquals(before, Procs.currentWorker(haproxy.masterSocket()));
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
        HapcRun anonymous = call(k, "enable-server", "-b", "web", "-s", "s1");
        assertEquals("conflict", anonymous.errorKind(), anonymous.stdout());
        assertEquals(0, call(k, "enable-server", "-b", "web", "-s", "s1", "--owner", "alice").exit());
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
    }

    /**
     * A reload through the master CLI (no server-state file: the new worker starts with the
     * server in rotation). The hold survives in the store: the next call reports the held
     * server found in rotation, the owner's re-drain takes it out again, an anonymous enable
     * is still refused.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void holdsSurviveAMasterCliReload(String binary) {
        HaproxyProcess haproxy = haproxy(binary);
        Path k = haproxy.adminSocket();
        assertEquals(0, call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice").exit());
        hapc.testing.MasterReloads.reload(haproxy, Procs.adminPid(k));
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"), "no state file: the new worker forgot the drain");
        HapcRun anonymous = call(k, "enable-server", "-b", "web", "-s", "s1");
        assertEquals("conflict", anonymous.errorKind(), anonymous.stdout());
        HapcRun again = call(k, "drain-server", "-b", "web", "-s", "s1", "--owner", "alice");
        assertEquals(0, again.exit(), again.stdout());
        assertEquals(true, again.json().at("/targets/0/held_in_rotation").asBoolean(), again.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "s1"));
        assertEquals(0, call(k, "enable-server", "-b", "web", "-s", "s1", "--owner", "alice").exit());
        assertEquals("ready", ServerStates.of(haproxy, "web", "s1"));
    }
}
