package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which proxy names are HAProxy's own, on what the real versions list. */
class InternalProxyTest {
    /** A 2.2 worker in master-worker mode lists the master CLI's proxy after the configuration's. */
    @Test
    void the22WorkersMasterProxyIsLeftOut() throws IOException {
        String recorded = Files.readString(Path.of("src/test/resources/recorded/show-backend-2.2.txt"));
        List<String> kept = Arrays.stream(recorded.split("\n"))
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !InternalProxy.is(l)).toList();
        assertEquals(List.of("db", "web"), kept);
    }

    @Test
    void namesAConfigurationCannotUseAreInternal() {
        List<String> names = List.of("<HTTPCLIENT>", "<OCSP-UPDATE>", "GLOBAL", "web", "b.2:x-y_z", "a b", "MASTER");
        assertEquals(List.of("GLOBAL", "web", "b.2:x-y_z"), names.stream().filter(n -> !InternalProxy.is(n)).toList());
    }
}
