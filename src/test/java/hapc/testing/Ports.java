package hapc.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the HAProxy instances the tests start. A port the kernel picks for
 * {@code bind(0)} is an ephemeral one, and the kernel may give the same number to an outgoing
 * connection (or to the next test asking) before HAProxy binds it. So ports come from BELOW the
 * ephemeral range, where the kernel never picks on its own, and only when nothing listens on
 * them right now. Each is handed out once; a whole suite (three HAProxy versions, tests with
 * hundreds of servers) can use up the range, and then the port handed out LONGEST ago that
 * nothing listens on is taken again: its test is long over, and the last few hundred ports
 * handed out are never repeated.
 */
public final class Ports {
    private static final int LOWEST = 20_000;
    /** In the order handed out (or found in use), oldest first. */
    private static final LinkedHashSet<Integer> HANDED_OUT = new LinkedHashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
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
                // in use by someone else: stays marked, so it is not tried again soon
            }
        }
        // Every port below the range was handed out once: the oldest that nothing listens on now.
        for (Iterator<Integer> oldest = HANDED_OUT.iterator(); oldest.hasNext();) {
            int port = oldest.next();
            if (port <= highest && bindable(port)) {
                oldest.remove();
                HANDED_OUT.add(port); // now the newest
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
            // Read as a stream: Files.readString trusts the size /proc reports and returned "3" of
            // "32768 60999" here, which made the range 20000-20999 for a whole suite.
            String range;
            try (var reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                range = String.valueOf(reader.readLine()).trim();
            }
            return Math.max(LOWEST + 1000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
