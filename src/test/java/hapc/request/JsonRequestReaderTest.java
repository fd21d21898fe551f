package hapc.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.ErrorKind;
import hapc.HapcException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRequestReaderTest {
    private final JsonRequestReader reader = new JsonRequestReader();

    private Request read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8), null, Map.of());
    }

    private String refused(String json) {
        HapcException e = assertThrows(HapcException.class, () -> read(json), json);
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aValidRequest() {
        Request request = read("""
                {"action":"drain-server","backend":"web","server":"w1","wait":true,"timeout":2.5,
                 "config":["/etc/haproxy/haproxy.cfg","/etc/haproxy/conf.d"],"check_mode":true}""");
        assertEquals(Action.DRAIN_SERVER, request.action());
        assertTrue(request.waitForSessions());
        assertTrue(request.checkMode());
        assertEquals(2500, request.timeout().toMillis());
        assertEquals(2, request.configs().size());
    }

    @Test
    void strictness() {
        assertTrue(refused("{\"action\":\"list-backends\",\"colour\":1}").contains("colour"));
        assertTrue(refused("{\"action\":\"list-backends\",\"action\":\"list-backends\"}").contains("Duplicate"));
        assertTrue(refused("{\"action\":\"list-backends\"} {}").contains("not one valid JSON document"));
        assertTrue(refused("[]").contains("must be an object"));
        assertTrue(refused("{}").contains("no \"action\""));
        assertTrue(refused("").contains("empty"));
        assertTrue(refused("{\"action\":\"list-backends\"").contains("not one valid JSON document"));
        assertTrue(refused("{\"action\":\"frobnicate\"}").contains("unknown action"));
        assertTrue(refused("{\"action\":\"drain-server\",\"backend\":\"w\",\"server\":\"s\",\"wait\":\"yes\"}")
                .contains("wait"));
        assertTrue(refused("{\"action\":\"drain-server\",\"backend\":\"w\",\"server\":\"s\",\"timeout\":-1}")
                .contains("timeout"));
        assertTrue(refused("{\"action\":\"drain-server\",\"backend\":\"w\",\"server\":\"a;b\"}").contains("';'"));
        assertTrue(refused("{\"action\":\"drain-server\",\"backend\":\"w\"}").contains("server"));
        assertTrue(refused("[".repeat(100_000)).contains("not one valid JSON document"));
    }

    @Test
    void commandLineFieldsJoinTheDocumentButMayNotRepeatIt() {
        Request request = reader.read("{\"action\":\"list-backends\"}".getBytes(StandardCharsets.UTF_8), null,
                Map.of(Field.SOCKET, "/tmp/admin.sock"));
        assertEquals("/tmp/admin.sock", request.socket());
        HapcException e = assertThrows(HapcException.class, () -> reader.read(
                "{\"action\":\"list-backends\",\"socket\":\"/a\"}".getBytes(StandardCharsets.UTF_8), null,
                Map.of(Field.SOCKET, "/b")));
        assertTrue(e.getMessage().contains("both"));
    }
}
