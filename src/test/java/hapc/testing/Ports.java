package hapc.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the HAProxy instances the tests start. A port the kernel picks for
 * {@code bind(0)} is an ephemeral one, and the kernel may give the same number to an outgoing
 * connection (or to the next test asking) before HAProxy binds it. So ports come from BELOW the
 * ephemeral range, where the kernel never picks on its own, never twice to this JVM, and only
 * when nothing listens on them right now.
 */
public final class Ports {
    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    public static int free() {
        int highest = ephemeralStart() - 1;
        int span = highest - LOWEST + 1;
        // A random start: test JVMs running side by side (other checkouts) rarely walk the same ports.
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = LOWEST + (start + i) % span;
            if (HANDED_OUT.add(port)) {
                if (bindable(port)) {
                    return port;
                }
                // in use by someone else: stays marked, so it is not tried again
            }
        }
        // Every port below the range was handed out once (a narrow range, or a long run): take
        // one again that nothing listens on now, its test long over, rather than fail the run.
        for (int i = 0; i < span; i++) {
            int port = LOWEST + (start + i) % span;
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + highest);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (32768 by default on Linux). */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
