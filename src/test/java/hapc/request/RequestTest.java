package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.ErrorKind;
import hapc.HapcException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTest {
    private static HapcException refused(Action action, Map<Field, Object> values) {
        HapcException e = assertThrows(HapcException.class, () -> Request.of(action, values));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        return e;
    }

    @Test
    void defaultsOfTheContract() {
        Request request = Request.of(Action.DRAIN_SERVER, Map.of(Field.BACKEND, "web", Field.SERVER, "web1"));
        assertEquals(Duration.ofSeconds(60), request.timeout());
        assertEquals(Duration.ofSeconds(10), request.socketTimeout());
        assertEquals(List.of(), request.configs());
        assertEquals(null, request.socket());
    }

    @Test
    void requiredFieldsAndFieldsThatDoNotApply() {
        assertTrue(refused(Action.DRAIN_SERVER, Map.of(Field.BACKEND, "web")).getMessage().contains("--server"));
        assertTrue(refused(Action.ENABLE_SERVER, Map.of(Field.BACKEND, "web", Field.SERVER, "a", Field.MIN_UP, 1L))
                .getMessage().contains("does not apply to enable-server"));
        assertTrue(refused(Action.SET_WEIGHT, Map.of(Field.SERVER, "a")).getMessage().contains("--weight"));
        assertTrue(refused(Action.LIST_BACKENDS, Map.of(Field.DETAILS, true)).getMessage().contains("details"));
    }

    @Test
    void weightsAreAWholeNumberOrAShareAndTheRampsDefaultDeadlineAddsTheRamp() {
        Map<Field, Object> web = Map.of(Field.SERVER, "a");
        assertEquals(new WeightValue(256, false), with(Action.SET_WEIGHT, web, Field.WEIGHT, 256L).weight());
        assertEquals(new WeightValue(0, true), with(Action.SET_WEIGHT, web, Field.WEIGHT, "0%").weight());
        assertEquals(3, with(Action.SET_WEIGHT, web, Field.WEIGHT, "50%").weight().of(7), "HAProxy rounds down");
        for (Object bad : List.of(257L, -1L, 50.5, "101%", "50.5%", "-5%", "%", "abc", "5")) {
            assertThrows(HapcException.class, () -> with(Action.SET_WEIGHT, web, Field.WEIGHT, bad), String.valueOf(bad));
        }
        assertEquals(Duration.ofSeconds(90), with(Action.ENABLE_SERVER, web, Field.RAMP, 30.0).timeout());
        Map<Field, Object> both = Map.of(Field.SERVER, "a", Field.RAMP, 30.0, Field.TIMEOUT, 5.0);
        assertEquals(Duration.ofSeconds(5), Request.of(Action.ENABLE_SERVER, both).timeout(), "-t given: as given");
    }

    private static Request with(Action action, Map<Field, Object> base, Field field, Object value) {
        Map<Field, Object> values = new java.util.HashMap<>(base);
        values.put(field, value);
        return Request.of(action, values);
    }

    @Test
    void secondsMustBeSane() {
        refused(Action.DRAIN_SERVER, Map.of(Field.BACKEND, "w", Field.SERVER, "s", Field.TIMEOUT, -1.0));
        refused(Action.DRAIN_SERVER, Map.of(Field.BACKEND, "w", Field.SERVER, "s", Field.TIMEOUT, Double.NaN));
        refused(Action.LIST_BACKENDS, Map.of(Field.SOCKET_TIMEOUT, 0.0));
        Request zero = Request.of(Action.DRAIN_SERVER, Map.of(Field.BACKEND, "w", Field.SERVER, "s", Field.TIMEOUT, 0.0));
        assertEquals(Duration.ZERO, zero.timeout());
        assertEquals(Duration.ofMillis(1500), Request.of(Action.LIST_BACKENDS, Map.of(Field.SOCKET_TIMEOUT, 1.5))
                .socketTimeout());
    }

    @Test
    void namesFollowHaproxysAllowList() {
        assertTrue(Names.isValid("web-1.example:8080_a"));
        for (String bad : new String[] {"", "a;b", "a b", "a/b", "a\nb", "é", "a\0", "x".repeat(256)}) {
            HapcException e = refused(Action.LIST_SERVERS, Map.of(Field.BACKEND, bad));
            assertTrue(e.getMessage().startsWith("backend name"), e.getMessage());
        }
    }

    @Test
    void pathsMayNotCarryNulOrNewline() {
        refused(Action.LIST_BACKENDS, Map.of(Field.SOCKET, "/tmp/a\0b"));
        refused(Action.LIST_BACKENDS, Map.of(Field.CONFIG, List.of("/etc/a.cfg", "")));
        assertEquals(List.of("/a", "/b"), Request.of(Action.LIST_FRONTENDS, Map.of(Field.CONFIG, List.of("/a", "/b")))
                .configs());
    }
}
