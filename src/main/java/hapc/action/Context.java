package hapc.action;

import hapc.HapcException;
import hapc.config.ConfigFiles;
import hapc.config.HaproxyConfig;
import hapc.config.HaproxyBuild;
import hapc.host.HaproxyBinary;
import hapc.host.HaproxyLock;
import hapc.host.StateDir;
import hapc.request.Request;
import hapc.runtime.AdminSocket;
import hapc.runtime.LiveServers;
import hapc.runtime.MasterCli;
import hapc.runtime.Process;
import hapc.runtime.RuntimeApi;
import hapc.runtime.SocketTarget;
import hapc.wait.Interruption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What an action needs beyond its request: the way to the running HAProxy (found once, on
 * first use), a trace for --verbose, and the warnings collected on the way.
 */
public final class Context {
    public static final String DEFAULT_ADMIN_SOCKET = "/var/lib/haproxy/admin.sock";
    public static final String DEFAULT_MASTER_SOCKET = "/run/haproxy-master.sock";

    private final Request request;
    private final Consumer<String> trace;
    private final List<String> warnings = new ArrayList<>();
    private LiveServers live;
    private HaproxyConfig config;

    private final Interruption interruption;
    private final Consumer<String> waitProgress;

    public Context(Request request, Consumer<String> trace) {
        this(request, trace, new Interruption(), line -> { });
    }

    /**
     * @param interruption what Ctrl-C sets, for the waits that answer on it (capacity)
     * @param waitProgress one line of a capacity wait's progress, for a person at a terminal
     */
    public Context(Request request, Consumer<String> trace, Interruption interruption, Consumer<String> waitProgress) {
        this.request = request;
        this.trace = trace;
        this.interruption = interruption;
        this.waitProgress = waitProgress;
    }

    public Interruption interruption() {
        return interruption;
    }

    public Consumer<String> waitProgress() {
        return waitProgress;
    }

    public Request request() {
        return request;
    }

    public Consumer<String> trace() {
        return trace;
    }

    public List<String> warnings() {
        return warnings;
    }

    public LiveServers live() {
        if (live == null) {
            RuntimeApi api = new RuntimeApi(socket(adminSocketTarget()));
            live = new LiveServers(api, () -> masterFor(api));
        }
        return live;
    }

    public AdminSocket socket(SocketTarget target) {
        return new AdminSocket(target, request.socketTimeout(), trace);
    }

    /**
     * The config (-c, else the default file), read once. Its warnings join the answer's: a
     * line hapc could not understand may be why it found the wrong socket or backend.
     */
    public HaproxyConfig config() {
        if (config == null) {
            config = HaproxyConfig.read(ConfigFiles.expand(request.configs()), System::getenv, this::haproxyBuild);
            config.warnings().forEach(w -> warnings.add("config " + w));
        }
        return config;
    }

    /** haproxy -vv of --haproxy-bin, else of haproxy on PATH, for .if conditions; null if unknown. */
    private HaproxyBuild haproxyBuild() {
        try {
            var binary = request.haproxyBin() != null ? java.util.Optional.of(HaproxyBinary.locate(request.haproxyBin()))
                    : HaproxyBinary.onPath();
            HaproxyBuild build = binary.map(HaproxyBinary::build).orElse(null);
            trace.accept("HAProxy version for .if conditions: " + (build == null ? "unknown" : build.version()));
            return build;
        } catch (HapcException e) {
            return null;
        }
    }

    /** Where the lock and hold files live (--state-dir, HAPC_STATE_DIR, else the default). */
    public StateDir stateDir() {
        return StateDir.resolve(request.stateDir(), System::getenv);
    }

    /**
     * What identifies this HAProxy on this host: the admin socket's real path (two spellings
     * of one socket, or a symlink to it, share one lock), or host:port for a TCP socket.
     */
    public String haproxyKey() {
        SocketTarget target = adminSocketTarget();
        if (!target.isUnix()) {
            return "tcp:" + target.host() + ":" + target.port();
        }
        try {
            return target.unixPath().toRealPath().toString();
        } catch (java.io.IOException e) {
            // not there: the connection will say so; the absolute path still names it
            return target.unixPath().toAbsolutePath().normalize().toString();
        }
    }

    /**
     * The lock of this HAProxy for one writing step (read, plan, guard, write, read back),
     * waited for at most --socket-timeout. Never held while waiting for sessions, health or
     * capacity.
     */
    public HaproxyLock lockForWriting() {
        String key = haproxyKey();
        HaproxyLock lock = HaproxyLock.acquire(stateDir(), key, request.socketTimeout(),
                "pid " + ProcessHandle.current().pid() + ", " + request.action().cliName());
        trace.accept("lock of " + key + " taken after " + lock.waited().toMillis() + " ms");
        return lock;
    }

    /** The -k socket, else the config's {@code stats socket ... level admin}, else the default path. */
    SocketTarget adminSocketTarget() {
        if (request.socket() != null) {
            return SocketTarget.parse(request.socket());
        }
        boolean configGiven = !request.configs().isEmpty();
        if (configGiven || Files.isRegularFile(Path.of(ConfigFiles.DEFAULT))) {
            var found = config().adminSocket();
            if (found.isPresent()) {
                trace.accept("admin socket from the config (" + found.get().origin() + "): " + found.get().address());
                return SocketTarget.parse(found.get().address());
            }
            warnings.add("the config has no 'stats socket ... level admin' line; using " + DEFAULT_ADMIN_SOCKET);
        }
        return SocketTarget.parse(DEFAULT_ADMIN_SOCKET);
    }

    /**
     * The master CLI, when one is given or the default one exists. It must belong to the same
     * HAProxy as the admin socket (its current worker is the one behind the admin socket):
     * counting another HAProxy's old workers would be wrong in both directions.
     */
    MasterCli masterFor(RuntimeApi api) {
        boolean explicit = request.masterSocket() != null;
        String spelling = explicit ? request.masterSocket() : DEFAULT_MASTER_SOCKET;
        if (!explicit && !Files.exists(Path.of(spelling))) {
            return null;
        }
        MasterCli master = new MasterCli(socket(SocketTarget.parse(spelling)));
        try {
            int workerPid = api.workerPid();
            boolean same = master.processes().stream()
                    .anyMatch(p -> p.pid() == workerPid && p.role() == Process.Role.CURRENT);
            if (same) {
                return master;
            }
            String why = "the master CLI at " + spelling + " does not list the worker behind the admin socket (pid "
                    + workerPid + ") as current: it belongs to another HAProxy";
            if (explicit) {
                throw new HapcException(hapc.ErrorKind.SOCKET, why);
            }
            warnings.add(why + "; old workers are not counted");
            return null;
        } catch (HapcException e) {
            if (explicit || e.kind() == hapc.ErrorKind.NOT_FOUND) {
                throw e;
            }
            warnings.add("the master CLI at " + spelling + " could not be used (" + e.getMessage()
                    + "); sessions of old workers are not counted");
            return null;
        }
    }
}
