package hapc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.request.Field;
import hapc.request.Names;
import hapc.request.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * What any request that passed validation may contain, however it came in: names inside the
 * allow-list (nothing that could reach HAProxy's command line as a second command), paths
 * without NUL or newline, durations that are sane, the action's required fields present.
 */
public final class RequestInvariants {
    private RequestInvariants() {
    }

    /**
     * What the whole command line must answer to input the parser refused: exit 2, one JSON
     * answer of kind usage or invalid_request with a message, and no stack trace on stderr.
     */
    public static void assertRefusedAnswer(HapcRun run) {
        org.junit.jupiter.api.Assertions.assertEquals(2, run.exit(), run.stdout());
        assertTrue(run.failed());
        assertTrue(List.of("usage", "invalid_request").contains(run.errorKind()), run.stdout());
        assertFalse(run.msg().isBlank());
        assertFalse(run.stderr().contains("\tat "), run.stderr());
    }

    public static void assertSane(Request request) {
        List<String> names = new ArrayList<>(request.servers());
        names.add(request.backend());
        names.add(request.frontend());
        for (String name : names) {
            assertTrue(name == null || Names.isValid(name), "name passed validation: " + name);
        }
        assertEquals(request.servers().size(), java.util.Set.copyOf(request.servers()).size(), "servers are unique");
        assertTrue(request.minUp() == null || request.minUp() >= 0);
        List<String> paths = new ArrayList<>(request.configs());
        paths.add(request.socket());
        paths.add(request.masterSocket());
        paths.add(request.haproxyBin());
        for (String path : paths) {
            assertTrue(path == null || (!path.isEmpty() && path.indexOf('\0') < 0 && path.indexOf('\n') < 0),
                    "path passed validation: " + path);
        }
        assertFalse(request.timeout().isNegative());
        assertTrue(request.socketTimeout().toNanos() > 0);
        for (Field required : request.action().requiredFields()) {
            assertTrue(required != Field.BACKEND || request.backend() != null);
            assertTrue(required != Field.SERVER || !request.servers().isEmpty());
        }
    }
}
