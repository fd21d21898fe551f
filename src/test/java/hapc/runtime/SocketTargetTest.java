package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.ErrorKind;
import hapc.HapcException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SocketTargetTest {
    @Test
    void spellingsOfHaproxyConfig() {
        assertEquals(Path.of("/run/haproxy/admin.sock"), SocketTarget.parse("/run/haproxy/admin.sock").unixPath());
        assertEquals(Path.of("/run/a.sock"), SocketTarget.parse("unix@/run/a.sock").unixPath());
        SocketTarget v4 = SocketTarget.parse("ipv4@127.0.0.1:9999");
        assertEquals("127.0.0.1", v4.host());
        assertEquals(9999, v4.port());
        SocketTarget v6 = SocketTarget.parse("ipv6@[::1]:9999");
        assertEquals("::1", v6.host());
        assertTrue(!v6.isUnix());
    }

    @Test
    void malformedNetworkAddressesAreInvalidRequests() {
        for (String bad : new String[] {"ipv4@127.0.0.1", "ipv4@127.0.0.1:0", "ipv4@127.0.0.1:70000", "ipv6@::1:99"}) {
            HapcException e = assertThrows(HapcException.class, () -> SocketTarget.parse(bad), bad);
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        }
    }
}
