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
        assertTrue(refused(Action.ENABLE_SERVER, Map.of(Field.BACKEND, "web", Field.SERVER, "a", Field.WAIT, true))
                .getMessage().contains("does not apply to enable-server"));
        assertTrue(refused(Action.LIST_BACKENDS, Map.of(Field.DETAILS, true)).getMessage().contains("details"));
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
