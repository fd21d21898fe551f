package hapc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real HAProxy started by a test, in master-worker mode, in its own temporary directory with
 * an admin socket ({@code admin.sock}, level admin), a user-level socket ({@code user.sock})
 * and a master CLI ({@code master.sock}). The test gives the config below {@code global}.
 */
public final class HaproxyProcess implements AutoCloseable {
    private final String binary;
    private final Path dir;
    private final Path config;
    private final java.lang.Process process;
    private final List<Socket> clients = new ArrayList<>();
    /** Started in a pid namespace of its own: {@link #process} is unshare, HAProxy's master its child. */
    private final boolean namespaced;

    private HaproxyProcess(String binary, Path dir, Path config, java.lang.Process process, boolean namespaced) {
        this.binary = binary;
        this.dir = dir;
        this.config = config;
        this.process = process;
        this.namespaced = namespaced;
    }

    /** @param proxies the sections after global and defaults: frontends, backends, listens */
    public static HaproxyProcess start(String binary, String proxies) {
        return start(binary, "", proxies);
    }

    /** @param extraGlobal lines added to the global section (indented by the caller) */
    public static HaproxyProcess start(String binary, String extraGlobal, String proxies) {
        try {
            Path dir = Files.createTempDirectory("hapc-test-");
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, globalAndDefaults(dir).replace("defaults\n", extraGlobal + "defaults\n") + proxies);
            return startWith(binary, dir, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String globalAndDefaults(Path dir) {
        return """
                global
                    stats socket %1$s/admin.sock mode 600 level admin
                    stats socket %1$s/user.sock mode 600 level user
                    stats timeout 30s
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                """.formatted(dir);
    }

    public static HaproxyProcess startWith(String binary, Path dir, Path config) throws IOException {
        return startWith(List.of(), binary, dir, config);
    }

    private static HaproxyProcess startWith(List<String> prefix, String binary, Path dir, Path config)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(binary, "-W", "-S", dir.resolve("master.sock").toString(), "-f", config.toString()));
        java.lang.Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        HaproxyProcess haproxy = new HaproxyProcess(binary, dir, config, process, !prefix.isEmpty());
        haproxy.awaitReady();
        return haproxy;
    }

    /**
     * unshare's ways to give HAProxy a pid namespace of its own (as in a container, its master is
     * pid 1 there): as root, or as a user through a user namespace. {@code --kill-child}: HAProxy
     * dies with unshare.
     */
    private static final List<List<String>> UNSHARE = List.of(
            List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"),
            List.of("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--kill-child"));

    /** The unshare prefix that works on this machine, or null (then {@link #pidNamespaceUnavailable} says why). */
    private static List<String> unshare() {
        for (List<String> prefix : UNSHARE) {
            List<String> probe = new ArrayList<>(prefix);
            probe.add("true");
            try {
                java.lang.Process p = new ProcessBuilder(probe).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return prefix;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Why HAProxy cannot be given its own pid namespace here, or null when it can. */
    public static String pidNamespaceUnavailable() {
        return unshare() == null ? "unshare cannot make a pid namespace here (" + String.join(" ", UNSHARE.get(0))
                + " and the same with --user --map-root-user both failed)" : null;
    }

    /**
     * As {@link #start(String, String)}, with HAProxy in a pid namespace of its own (unshare):
     * its master CLI says the master is pid 1, which on this host is another process.
     */
    public static HaproxyProcess startInPidNamespace(String binary, String proxies) {
        List<String> prefix = unshare();
        if (prefix == null) {
            throw new IllegalStateException(pidNamespaceUnavailable());
        }
        try {
            Path dir = Files.createTempDirectory("hapc-test-");
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, globalAndDefaults(dir) + proxies);
            return startWith(prefix, binary, dir, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills HAProxy's master and workers at once (SIGKILL), as a crash would; the sockets' files stay. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!namespaced) {
            process.destroyForcibly();
        }
        waitUntil(Duration.ofSeconds(5), () -> process.descendants().findAny().isEmpty());
    }

    private void awaitReady() {
        boolean ready = waitUntil(Duration.ofSeconds(15), () -> {
            if (!process.isAlive()) {
                return true;
            }
            try {
                return RawSocket.ask(adminSocket(), "show info").contains("Pid:")
                        && RawSocket.ask(masterSocket(), "show proc").contains("worker");
            } catch (UncheckedIOException | AssertionError e) {
                return false;
            }
        });
        if (!ready || !process.isAlive()) {
            String log;
            try {
                log = Files.readString(dir.resolve("haproxy.log"));
            } catch (IOException e) {
                log = "(no log)";
            }
            close();
            throw new IllegalStateException("HAProxy (" + binary + ") did not start:\n" + log);
        }
    }

    public String binary() {
        return binary;
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return config;
    }

    public Path adminSocket() {
        return dir.resolve("admin.sock");
    }

    public Path userSocket() {
        return dir.resolve("user.sock");
    }

    public Path masterSocket() {
        return dir.resolve("master.sock");
    }

    /** hapc's arguments pointed at this HAProxy: {@code -k} its admin socket, its master CLI, then {@code rest}. */
    public String[] hapcArgs(String... rest) {
        return hapcArgs(adminSocket(), rest);
    }

    /**
     * As {@link #hapcArgs(String...)}, with the admin socket reached through a recording relay,
     * so that what hapc sent is on record (the master CLI is reached directly).
     */
    public String[] hapcArgsThrough(RecordingRelay relay, String... rest) {
        return hapcArgs(relay.path(), rest);
    }

    private String[] hapcArgs(Path admin, String... rest) {
        String[] all = new String[rest.length + 4];
        all[0] = "-k";
        all[1] = admin.toString();
        all[2] = "--master-socket";
        all[3] = masterSocket().toString();
        System.arraycopy(rest, 0, all, 4, rest.length);
        return all;
    }

    public String version() {
        return RawSocket.ask(adminSocket(), "show info").lines().filter(l -> l.startsWith("Version:"))
                .findFirst().orElse("Version: ?").substring(8).trim();
    }

    /** Opens a client connection to a frontend port and keeps it open until closed or teardown; reads are bounded. */
    public Socket connect(int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            // A test that reads from it (say, to see it closed) gets an error, not a hang.
            socket.setSoTimeout(10_000);
            clients.add(socket);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until a server's scur, read from the admin socket, equals the count. */
    public void awaitSessions(String backend, String server, int count) {
        if (!waitUntil(Duration.ofSeconds(10), () -> RawSocket.sessions(adminSocket(), backend, server) == count)) {
            throw new AssertionError("scur of " + backend + "/" + server + " never reached " + count + ", it is "
                    + RawSocket.sessions(adminSocket(), backend, server));
        }
    }

    /**
     * A reload as systemctl or an operator would do it: through the master CLI, not through hapc;
     * returns once a new worker answers on the admin socket (bounded: fails after 15 s).
     *
     * @return when the reload command was sent (System.nanoTime)
     */
    public long reloadThroughMaster() {
        int oldWorker = Procs.adminPid(adminSocket());
        long sent = System.nanoTime();
        try {
            RawSocket.ask(masterSocket(), "reload");
        } catch (UncheckedIOException e) {
            // the master re-executes itself and may close the connection without an answer
        }
        boolean tookOver = waitUntil(Duration.ofSeconds(15), () -> {
            try {
                return Procs.adminPid(adminSocket()) != oldWorker;
            } catch (UncheckedIOException e) {
                return false;
            }
        });
        if (!tookOver) {
            throw new AssertionError("no new worker took over from " + oldWorker + " within 15 s of the reload");
        }
        return sent;
    }

    /**
     * Rewrites the config file (a later {@link #reloadThroughMaster} loads it), as an operator
     * editing haproxy.cfg does: say, removing a server's line before the reload.
     */
    public void editConfig(java.util.function.UnaryOperator<String> edit) {
        try {
            String before = Files.readString(config);
            String after = edit.apply(before);
            if (after.equals(before)) {
                throw new AssertionError("the edit changed nothing in " + config);
            }
            Files.writeString(config, after);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean waitUntil(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        for (Socket client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // already gone
            }
        }
        if (namespaced) {
            // unshare ignores SIGTERM while its child runs: end the namespace's init, then unshare
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
