package hapc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' own, independent way to read HAProxy's state: a plain unix socket and
 * string splitting, each exchange bounded by a deadline. Tests check HAProxy's state through
 * this, never through hapc's answer.
 */
public final class RawSocket {
    private RawSocket() {
    }

    /** Bound on one exchange: far above what a loopback HAProxy takes, far below a hung build. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    public static String ask(Path socket, String command) {
        return ask(socket, command, DEADLINE);
    }

    /**
     * {@code show backend} without HAProxy's own proxies: {@code MASTER}, which 2.2's workers
     * list, and names a configuration cannot use ({@code <HTTPCLIENT>}...). Read here by the
     * tests' own rule, not hapc's.
     */
    public static List<String> backends(Path socket) {
        return ask(socket, "show backend").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !internalProxy(l)).toList();
    }

    /** HAProxy's own proxies, by the tests' rule: 2.2's {@code MASTER}, {@code <HTTPCLIENT>} and the like. */
    public static boolean internalProxy(String name) {
        return name.equals("MASTER") || name.startsWith("<");
    }

    /** Sends one command line and reads until HAProxy closes; an AssertionError past the deadline. */
    public static String ask(Path socket, String command, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer request = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                await(selector, deadline, socket, command);
                channel.write(request);
            }
            channel.shutdownOutput();
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (true) {
                await(selector, deadline, socket, command);
                int n = channel.read(buffer);
                if (n < 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("asking " + socket + ": " + command, e);
        }
    }

    private static void await(Selector selector, long deadline, Path socket, String command) throws IOException {
        selector.selectedKeys().clear();
        long left = deadline - System.nanoTime();
        if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadline) {
            throw new AssertionError("no answer from " + socket + " to '" + command + "' within the deadline");
        }
    }

    /** {@code srv_admin_state} of a server from {@code show servers state}, or -1 if absent. */
    public static int adminBits(Path socket, String backend, String server) {
        return stateColumn(socket, backend, server, "srv_admin_state");
    }

    /** {@code srv_agent_state} of a server (0x02 agent configured, 0x04 running), or -1 if absent. */
    public static int agentBits(Path socket, String backend, String server) {
        return stateColumn(socket, backend, server, "srv_agent_state");
    }

    /** A numeric column of a server's {@code show servers state} line, or -1 if absent. */
    public static int stateColumn(Path socket, String backend, String server, String column) {
        String text = ask(socket, "show servers state " + backend);
        List<String> header = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).trim().split(" "));
            } else if (header != null && !line.isBlank()) {
                String[] f = line.trim().split(" ");
                if (f[header.indexOf("be_name")].equals(backend) && f[header.indexOf("srv_name")].equals(server)) {
                    return Integer.parseInt(f[header.indexOf(column)]);
                }
            }
        }
        return -1;
    }

    /** The whole {@code show servers state} dump: what "nothing changed" is compared on. */
    public static String serversState(Path socket) {
        // srv_time_since_last_change moves with the clock; drop it so equal states compare equal.
        List<String> out = new ArrayList<>();
        List<String> header = null;
        for (String line : ask(socket, "show servers state").split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).trim().split(" "));
                out.add(line);
            } else if (header != null && !line.isBlank()) {
                String[] f = line.trim().split(" ");
                f[header.indexOf("srv_time_since_last_change")] = "_";
                out.add(String.join(" ", f));
            }
        }
        return String.join("\n", out);
    }

    /** A column of a server's {@code show stat} line (e.g. scur, qcur, status), or null. */
    public static String stat(Path socket, String backend, String server, String column) {
        String text = ask(socket, "show stat " + backend + " 4 -1");
        List<String> header = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).split(","));
            } else if (header != null && !line.isBlank()) {
                String[] f = line.split(",", -1);
                if (f[0].equals(backend) && f[1].equals(server)) {
                    return f[header.indexOf(column)];
                }
            }
        }
        return null;
    }

    /** A column of a server's {@code show servers state} line (e.g. srv_uweight, srv_iweight), or null. */
    public static String serverState(Path socket, String backend, String server, String column) {
        List<String> header = null;
        for (String line : ask(socket, "show servers state " + backend).split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).trim().split(" "));
            } else if (header != null && !line.isBlank()) {
                String[] f = line.trim().split(" ");
                if (f[header.indexOf("be_name")].equals(backend) && f[header.indexOf("srv_name")].equals(server)) {
                    return f[header.indexOf(column)];
                }
            }
        }
        return null;
    }

    /** {@code get weight B/S}: the current weight, then the initial one ("50 (initial 100)"). */
    public static int[] weight(Path socket, String backend, String server) {
        String answer = ask(socket, "get weight " + backend + "/" + server).strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) \\(initial (\\d+)\\)").matcher(answer);
        if (!m.matches()) {
            throw new AssertionError("get weight " + backend + "/" + server + " answered: " + answer);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    public static int sessions(Path socket, String backend, String server) {
        return Integer.parseInt(stat(socket, backend, server, "scur"));
    }
}
