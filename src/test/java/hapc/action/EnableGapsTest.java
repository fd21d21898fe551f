package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * enable-server --wait and --ramp where ReturnToRotationTest does not look: several targets found
 * without -b, a reload while the wait goes on, and another client changing a server mid-ramp
 * (the ramp stops, kind conflict, and does not fight). HAProxy's own state is the judge; what
 * was sent is the relay's record.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EnableGapsTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private static String status(HaproxyProcess haproxy, String backend, String server) {
        return RawSocket.stat(haproxy.adminSocket(), backend, server, "status");
    }

    private static int weight(HaproxyProcess haproxy, String backend, String server) {
        return RawSocket.weight(haproxy.adminSocket(), backend, server)[0];
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void waitAndRampWithSeveralTargetsFoundWithoutBackend(String binary) {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100 check inter 200ms rise 2
                    server app2 127.0.0.1:%1$d weight 100
                backend api
                    server app1 127.0.0.1:%1$d weight 10 check inter 200ms rise 2
                """.formatted(live.backend().port()));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        RawSocket.ask(haproxy.adminSocket(), "set server api/app1 state drain");
        RecordingRelay relay = live.relay(haproxy.adminSocket());

        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "enable-server", "-s", "app1", "--wait", "--ramp",
                "2", "-t", "30"));
        assertEquals(0, run.exit(), run.stdout());
        assertEquals(2, run.json().get("targets").size(), run.stdout());
        assertEquals(2, run.json().get("health").size(), run.stdout());
        run.json().get("health").forEach(h -> assertTrue(h.get("up").asBoolean() && h.get("checked").asBoolean(),
                h.toString()));
        assertTrue(run.json().at("/ramp/completed").asBoolean(), run.stdout());
        for (String backend : List.of("web", "api")) {
            assertEquals("ready", ServerStates.of(haproxy, backend, "app1"), backend);
            assertEquals("UP", status(haproxy, backend, "app1"), backend);
        }
        assertEquals(100, weight(haproxy, "web", "app1"), "ends at the configured weight");
        assertEquals(10, weight(haproxy, "api", "app1"));
        assertEquals(100, weight(haproxy, "web", "app2"), "not named: untouched");
        List<String> sent = relay.changes();
        assertEquals(1, sent.stream().filter(c -> c.equals("set server web/app1 state ready")).count(), sent.toString());
        assertEquals(1, sent.stream().filter(c -> c.equals("set server api/app1 state ready")).count(), sent.toString());
        assertEquals(List.of("set weight web/app1 100"), sent.stream().filter(c -> c.startsWith("set weight web/app1 1"))
                .filter(c -> c.endsWith(" 100")).toList(), "the last step once: " + sent);
        assertEquals("set weight api/app1 10", sent.stream().filter(c -> c.startsWith("set weight api/app1 "))
                .reduce((a, b) -> b).orElseThrow(), sent.toString());
        assertTrue(sent.stream().noneMatch(c -> c.contains("app2")), sent.toString());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void enableWaitGoesOnAcrossAReload(String binary) throws Exception {
        int appPort = Ports.free();
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%d check inter 200ms rise 2 fall 1
                """.formatted(appPort));
        RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state maint");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CompletableFuture<HapcRun> call = CompletableFuture.supplyAsync(() -> HapcRun.run(haproxy.hapcArgsThrough(
                relay, "enable-server", "-b", "web", "-s", "app1", "--wait", "-t", "40")));
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                () -> ServerStates.of(haproxy, "web", "app1").equals("ready")), "enabled");
        Thread.sleep(500);
        assertFalse(call.isDone(), "waits: the check fails");

        haproxy.reloadThroughMaster();
        Thread.sleep(500);
        assertFalse(call.isDone(), () -> "still waiting after the reload: " + call.join().stdout());

        try (ServerSocket app = new ServerSocket(appPort, 50, InetAddress.getLoopbackAddress())) {
            HapcRun run = call.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.exit(), run.stdout());
            assertTrue(run.json().at("/health/0/up").asBoolean(), run.stdout());
            assertEquals("UP", status(haproxy, "web", "app1"), "HAProxy's new worker says UP");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of("set server web/app1 state ready"), relay.changes(), "the enable once, then only reads");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anotherClientChangingTheServerMidRampStopsItWithAConflict(String binary) throws Exception {
        HaproxyProcess haproxy = live.start(binary, """
                backend web
                    server app1 127.0.0.1:%1$d weight 100
                    server app2 127.0.0.1:%1$d weight 100
                """.formatted(live.backend().port()));
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        for (String change : List.of("state drain", "weight")) {
            RawSocket.ask(haproxy.adminSocket(), "set server web/app1 state drain");
            RawSocket.ask(haproxy.adminSocket(), "set weight web/app1 100");
            relay.clear();
            CompletableFuture<HapcRun> call = CompletableFuture.supplyAsync(() -> HapcRun.run(
                    haproxy.hapcArgsThrough(relay, "enable-server", "-b", "web", "-s", "app1", "--ramp", "10")));
            assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10),
                    () -> ServerStates.of(haproxy, "web", "app1").equals("ready")), "the ramp started");
            Thread.sleep(1200);
            assertFalse(call.isDone(), change);
            RawSocket.ask(haproxy.adminSocket(), change.equals("weight") ? "set weight web/app1 3"
                    : "set server web/app1 state drain");
            HapcRun run = call.get(10, TimeUnit.SECONDS);
            assertEquals(1, run.exit(), run.stdout());
            assertEquals("conflict", run.errorKind(), run.stdout());
            assertTrue(run.msg().contains("web/app1 was changed by someone else during the ramp"), run.msg());
            List<String> sent = relay.changes();
            Thread.sleep(1200);
            assertEquals(sent, relay.changes(), "nothing more sent after the answer");
            if (change.equals("weight")) {
                assertEquals(3, weight(haproxy, "web", "app1"), "left as the other client set it");
                assertEquals("ready", ServerStates.of(haproxy, "web", "app1"));
            } else {
                assertEquals("drain", ServerStates.of(haproxy, "web", "app1"), "left as the other client set it");
            }
            assertEquals(1, sent.stream().filter(c -> c.startsWith("set server web/app1 state ready")).count(),
                    sent.toString());
            assertTrue(sent.stream().noneMatch(c -> c.contains("app2")), sent.toString());
        }
    }
}
