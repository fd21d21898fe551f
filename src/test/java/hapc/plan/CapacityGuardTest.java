package hapc.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.model.AdminBits;
import hapc.model.AdminState;
import hapc.model.OperationalState;
import hapc.model.Server;
import hapc.runtime.LiveServers.Inspection;
import hapc.runtime.ServerSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The capacity guard's decision on constructed plans: what counts as up and in rotation (ready,
 * operationally UP, weight above 0), which backends are judged (only those the call takes a
 * server out of), and that a refusal keeps the counts for the answer.
 */
class CapacityGuardTest {
    private static Server server(String backend, String name, int adminBits, OperationalState op, int weight) {
        return new Server(backend, name, new AdminBits(adminBits), op, "UP", weight, "127.0.0.1", 80, 0, 0, null,
                weight, 0, false, weight);
    }

    private static Server up(String backend, String name) {
        return server(backend, name, 0, OperationalState.UP, 1);
    }

    /** A plan draining {@code targets} among {@code servers} (all in one snapshot). */
    private static ChangePlan drain(List<Server> servers, String... targets) {
        Map<String, Map<String, Inspection>> backends = new LinkedHashMap<>();
        for (Server s : servers) {
            backends.computeIfAbsent(s.backend(), b -> new LinkedHashMap<>()).put(s.name(), new Inspection(s, List.of()));
        }
        List<Inspection> list = new ArrayList<>();
        List<PlannedChange> changes = new ArrayList<>();
        for (String id : targets) {
            String[] parts = id.split("/");
            Inspection target = backends.get(parts[0]).get(parts[1]);
            list.add(target);
            Server before = target.server();
            boolean change = before.admin().needsChangeTo(AdminState.DRAIN);
            changes.add(new PlannedChange(target, before.expectedWith(before.admin().after(AdminState.DRAIN)),
                    change ? List.of("set server " + id + " state drain") : List.of(), false));
        }
        return new ChangePlan(new Targets(list, new ServerSnapshot(backends)), changes);
    }

    /** The counts of each backend, without the names of what counted (checked where it matters). */
    private static List<Map<String, Object>> numbers(List<Map<String, Object>> counts) {
        List<Map<String, Object>> numbers = new ArrayList<>();
        for (Map<String, Object> backend : counts) {
            Map<String, Object> kept = new LinkedHashMap<>(backend);
            kept.keySet().retainAll(List.of("backend", "up_before", "up_after", "min_up"));
            numbers.add(kept);
        }
        return numbers;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> castCounts(Object capacity) {
        return (List<Map<String, Object>>) capacity;
    }

    @Test
    void aBackendLeftWithEnoughServersPassesWithItsCounts() {
        ChangePlan plan = drain(List.of(up("web", "a"), up("web", "b"), up("web", "c")), "web/a");
        List<Map<String, Object>> counts = numbers(CapacityGuard.check(plan, 2, Map.of()));
        assertEquals(List.of(Map.of("backend", "web", "up_before", 3, "up_after", 2, "min_up", 2)), counts);
    }

    @Test
    void oneServerTooFewRefusesTheWholeCallWithTheCountsInTheAnswer() {
        ChangePlan plan = drain(List.of(up("web", "a"), up("web", "b"), up("web", "c"), up("api", "a"),
                up("api", "x")), "web/a", "api/a");
        HapcException refused = assertThrows(HapcException.class,
                () -> CapacityGuard.check(plan, 2, Map.of("action", "drain-server")));
        assertEquals(ErrorKind.CAPACITY, refused.kind());
        assertTrue(refused.getMessage().contains("backend 'api' would have 1 server up"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("'web'"), "web keeps 2: not a shortfall: " + refused.getMessage());
        assertEquals("drain-server", refused.partial().get("action"));
        assertEquals(List.of(Map.of("backend", "web", "up_before", 3, "up_after", 2, "min_up", 2),
                Map.of("backend", "api", "up_before", 2, "up_after", 1, "min_up", 2)),
                numbers(castCounts(refused.partial().get("capacity"))));
    }

    @Test
    void serversDownByTheirCheckAtWeightZeroDrainedOrInMaintDoNotCountAsUp() {
        List<Server> servers = List.of(up("web", "a"), up("web", "b"),
                server("web", "down", 0, OperationalState.DOWN, 1),
                server("web", "zero", 0, OperationalState.UP, 0),
                server("web", "drained", AdminBits.FORCED_DRAIN, OperationalState.UP, 1),
                server("web", "maint", AdminBits.FORCED_MAINT, OperationalState.DOWN, 1),
                server("web", "starting", 0, OperationalState.STARTING, 1));
        ChangePlan plan = drain(servers, "web/a");
        List<Map<String, Object>> counts = CapacityGuard.check(plan, 1, Map.of());
        assertEquals(List.of(Map.of("backend", "web", "up_before", 2, "up_after", 1, "min_up", 1)), numbers(counts));
        assertEquals(List.of("a", "b"), counts.get(0).get("counted"));
        assertEquals(List.of(Map.of("server", "down", "why", "operationally down"),
                Map.of("server", "zero", "why", "weight 0"), Map.of("server", "drained", "why", "admin state drain"),
                Map.of("server", "maint", "why", "admin state maint"),
                Map.of("server", "starting", "why", "operationally starting")), counts.get(0).get("not_counted"),
                "each server left out says why");
        HapcException refused = assertThrows(HapcException.class, () -> CapacityGuard.check(plan, 2, Map.of()));
        assertTrue(refused.getMessage().contains("would have 1 server up and in rotation (now 2: a, b; --min-up 2)"),
                refused.getMessage());
    }

    @Test
    void aTargetAlreadyOutOfRotationTakesNothingOutAndItsBackendIsNotJudged() {
        List<Server> servers = List.of(server("web", "a", AdminBits.FORCED_DRAIN, OperationalState.UP, 1),
                up("web", "b"), server("web", "down", 0, OperationalState.DOWN, 1));
        assertEquals(List.of(), CapacityGuard.check(drain(servers, "web/a"), 5, Map.of()),
                "re-running a drain that is done is no outage");
        assertEquals(List.of(), CapacityGuard.check(drain(servers, "web/down"), 5, Map.of()),
                "a server DOWN by its check is not in rotation: draining it takes nothing out");
    }

    @Test
    void minUpZeroNeverRefusesEvenTheLastServer() {
        ChangePlan plan = drain(List.of(up("web", "a")), "web/a");
        assertEquals(List.of(Map.of("backend", "web", "up_before", 1, "up_after", 0, "min_up", 0)),
                numbers(CapacityGuard.check(plan, 0, Map.of())));
        assertThrows(HapcException.class, () -> CapacityGuard.check(plan, 1, Map.of()));
    }
}
