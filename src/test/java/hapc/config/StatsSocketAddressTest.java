package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every spelling below is accepted by HAProxy 2.6 and 3.0 as a stats socket address ({@code haproxy -c}). */
@Timeout(10)
class StatsSocketAddressTest {
    @Test
    void haproxysSpellingsBecomeOnesHapcReaches() {
        Map.of(
                "/run/haproxy/admin.sock", "/run/haproxy/admin.sock",
                "unix@/run/a.sock", "unix@/run/a.sock",
                "ipv4@127.0.0.1:9999", "ipv4@127.0.0.1:9999",
                "127.0.0.1:9998", "ipv4@127.0.0.1:9998",
                "ipv4@:9997", "ipv4@127.0.0.1:9997",
                ":9996", "ipv4@127.0.0.1:9996",
                "ipv6@[::1]:9995", "ipv6@[::1]:9995",
                "ipv6@::1:9994", "ipv6@[::1]:9994",
                "::1:9993", "ipv6@[::1]:9993",
                "[::1]:9992", "ipv6@[::1]:9992")
                .forEach((written, reached) -> assertEquals(reached, StatsSocket.reachedAt(written), written));
        assertEquals("ipv6@[::1]:9991", StatsSocket.reachedAt("ipv6@:::9991"));
        assertEquals("abns@hapc", StatsSocket.reachedAt("abns@hapc"));
        assertEquals("ipv4@127.0.0.1", StatsSocket.reachedAt("ipv4@127.0.0.1"), "no port: left for the socket check to refuse");
    }
}
