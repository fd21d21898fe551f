package hapc.runtime;

import hapc.HapcException;
import hapc.model.Server;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The servers of the running HAProxy, with sessions counted in every live worker: the current
 * one through the admin socket and, when a master CLI is known, the OLD workers that still hold
 * connections after a reload (invisible on the admin socket).
 */
public final class LiveServers {
    private static final List<WorkerLoad> NO_LOAD = List.of(new WorkerLoad(null, false, ServerLoad.NONE));
    private final RuntimeApi api;
    private final Supplier<MasterCli> masterSource;
    private MasterCli master;
    private boolean masterLooked;
    private List<Process> lastSeen = List.of();

    /**
     * @param masterSource finds the master CLI of the same HAProxy (null when there is none);
     *                     asked once, and only by the calls that count sessions
     */
    public LiveServers(RuntimeApi api, Supplier<MasterCli> masterSource) {
        this.api = api;
        this.masterSource = masterSource;
    }

    /** The master CLI, looked for on first need: listing names or backends never needs it. */
    private MasterCli master() {
        if (!masterLooked) {
            master = masterSource.get();
            masterLooked = true;
        }
        return master;
    }

    /** The server names of a backend, in configuration order: no session count, no master CLI. */
    public List<String> names(String backend) {
        return List.copyOf(api.servers(backend).keySet());
    }

    public RuntimeApi api() {
        return api;
    }

    /**
     * The processes of the last {@code show proc} this object read (empty before or without a
     * master CLI): which master and worker the answers so far came from, known without asking
     * again, so a wait can tell later that a reload replaced them.
     */
    public List<Process> lastSeenProcesses() {
        return lastSeen;
    }

    /** Where the master CLI is, or null without one. */
    public SocketTarget masterTarget() {
        return master() == null ? null : master().target();
    }

    public List<Server> list(String backend) {
        return read(List.of(backend)).serversOf(backend).stream().map(Inspection::server).toList();
    }

    public Server get(String backend, String server) {
        return inspect(backend, server).server();
    }

    /** The server together with its load in each live worker, the current one first. */
    public Inspection inspect(String backend, String server) {
        return read(List.of(backend)).find(backend, server).orElseThrow(() -> noSuchServer(backend, server));
    }

    /** Every server of these backends, with its load in each live worker. */
    public ServerSnapshot read(Collection<String> backends) {
        return snapshot(api.read(backends));
    }

    /**
     * As {@link #read(Collection)}, except that a backend the current worker no longer has (a
     * reload without it in the config) is left out instead of failing the read: what a ramp or a
     * wait reads, to tell a server that left from a failure.
     */
    public ServerSnapshot readPresent(Collection<String> backends) {
        return snapshot(api.readPresent(backends));
    }

    /**
     * What a wait polls: the servers of these backends as {@link #read(Collection)} gives them,
     * except that a backend the current worker no longer has (a reload without it in the config)
     * is left out instead of failing the read, and the old workers' loads are read for every
     * backend asked: a server the current worker lost is still counted where its sessions are.
     */
    public Look look(Collection<String> backends) {
        Map<String, Map<String, RuntimeApi.ServerView>> views = api.readPresent(backends);
        Map<Integer, Map<String, Map<String, ServerLoad>>> old = oldWorkerLoads(backends);
        return new Look(snapshot(views, old), old, master() != null);
    }

    /** Only the servers of these names in these backends (see {@link RuntimeApi#read(Collection, Set)}). */
    public ServerSnapshot read(Collection<String> backends, Set<String> serverNames) {
        return snapshot(api.read(backends, serverNames));
    }

    /**
     * Every backend holding a server of one of these exact names, with all the servers of each:
     * one read of the whole HAProxy's server states, whatever its size.
     */
    public ServerSnapshot locate(Set<String> serverNames) {
        return snapshot(api.locate(serverNames));
    }

    /** Sends write commands, one group per target (see {@link RuntimeApi#write}); what became of each. */
    public Written write(List<List<String>> groups) {
        return api.write(groups);
    }

    /** Kills the sessions of these servers in the old workers, if any; an old worker's refusal per target id. */
    public Map<String, String> killOldWorkerSessions(List<Server> servers) {
        if (master() != null && !servers.isEmpty()) {
            return master().shutdownSessions(oldWorkers(), servers);
        }
        return Map.of();
    }

    /** The load of every server of these backends in each live worker, the current one first: what waits poll. */
    public Map<String, Map<String, List<WorkerLoad>>> loads(Collection<String> backends) {
        Map<String, Map<String, ServerLoad>> current = api.loads(backends);
        Map<Integer, Map<String, Map<String, ServerLoad>>> old = oldWorkerLoads(backends);
        Map<String, Map<String, List<WorkerLoad>>> loads = new LinkedHashMap<>();
        current.forEach((backend, servers) -> {
            Map<String, List<WorkerLoad>> perServer = new LinkedHashMap<>();
            servers.forEach((name, load) -> perServer.put(name, workerLoads(backend, name, load, old)));
            loads.put(backend, perServer);
        });
        return loads;
    }

    public static ServerLoad total(List<WorkerLoad> loads) {
        return loads.stream().map(WorkerLoad::load).reduce(ServerLoad.NONE, ServerLoad::plus);
    }

    private ServerSnapshot snapshot(Map<String, Map<String, RuntimeApi.ServerView>> views) {
        return snapshot(views, oldWorkerLoads(views.keySet()));
    }

    private static ServerSnapshot snapshot(Map<String, Map<String, RuntimeApi.ServerView>> views,
            Map<Integer, Map<String, Map<String, ServerLoad>>> old) {
        Map<String, Map<String, Inspection>> backends = new LinkedHashMap<>();
        views.forEach((backend, servers) -> {
            Map<String, Inspection> inspected = new LinkedHashMap<>();
            servers.forEach((name, view) -> {
                List<WorkerLoad> loads = workerLoads(backend, name,
                        view.stat() == null ? ServerLoad.NONE : view.stat().load(), old);
                inspected.put(name, new Inspection(toServer(backend, view, total(loads)), loads));
            });
            backends.put(backend, inspected);
        });
        return new ServerSnapshot(backends);
    }

    private static List<WorkerLoad> workerLoads(String backend, String server, ServerLoad current,
            Map<Integer, Map<String, Map<String, ServerLoad>>> old) {
        if (old.isEmpty()) { // the usual case, and 100,000 times over for the guard's view of 10,000 backends
            return current == ServerLoad.NONE ? NO_LOAD : List.of(new WorkerLoad(null, false, current));
        }
        List<WorkerLoad> loads = new ArrayList<>(1 + old.size());
        loads.add(new WorkerLoad(null, false, current));
        old.forEach((pid, perBackend) -> loads.add(new WorkerLoad(pid, true,
                perBackend.getOrDefault(backend, Map.of()).getOrDefault(server, ServerLoad.NONE))));
        return loads;
    }

    private Map<Integer, Map<String, Map<String, ServerLoad>>> oldWorkerLoads(Collection<String> backends) {
        if (backends.isEmpty() || master() == null) {
            return Map.of();
        }
        return master().oldWorkerLoads(oldWorkers(), backends);
    }

    private List<Process> oldWorkers() {
        lastSeen = master().processes();
        return lastSeen.stream().filter(p -> p.role() == Process.Role.OLD).toList();
    }

    private static Server toServer(String backend, RuntimeApi.ServerView view, ServerLoad load) {
        StateRow state = view.state();
        StatRow stat = view.stat();
        return new Server(backend, state.server(), state.admin(), state.operational(),
                stat == null ? "" : stat.status(),
                // srv_uweight, not show stat's weight: checked on 2.6 and 3.0, the two agree for a
                // ready or drained server, but show stat's is the effective weight, which lags
                // behind during a slowstart (25 while srv_uweight is 100) and, on 2.6, stays stale
                // for a server in maint after 'set weight'. set-weight decides and verifies on the
                // weight it sets, and so do the answers.
                state.weight(),
                state.address(), state.port(), load.sessions(), load.queued(),
                stat == null ? null : stat.checkStatus(),
                state.initialWeight(), state.agentState(), stat != null && stat.backup(),
                // show stat's weight is what 1.0 answered as weight: kept as effective_weight
                stat == null ? null : stat.weight());
    }

    public static HapcException noSuchServer(String backend, String server) {
        return HapcException.notFound("no server '" + server + "' in backend '" + backend + "' of the running HAProxy");
    }

    /**
     * One poll of a wait: the servers the current worker has, and what the old workers still
     * carry on every server of the backends polled, those the current worker lost included.
     *
     * @param oldWorkersSeen whether old workers could be looked at (a master CLI is known)
     */
    public record Look(ServerSnapshot current, Map<Integer, Map<String, Map<String, ServerLoad>>> old,
            boolean oldWorkersSeen) {
        /** Whether the current worker still has this server. */
        public boolean has(String backend, String server) {
            return current.find(backend, server).isPresent();
        }

        /**
         * A server's load in each live worker: the current one first when it still has the
         * server, else only the old workers (none seen: nothing left anywhere that can be seen).
         */
        public List<WorkerLoad> workers(String backend, String server) {
            return current.find(backend, server).map(Inspection::workers).orElseGet(() -> {
                List<WorkerLoad> loads = new ArrayList<>(old.size());
                old.forEach((pid, perBackend) -> loads.add(new WorkerLoad(pid, true,
                        perBackend.getOrDefault(backend, Map.of()).getOrDefault(server, ServerLoad.NONE))));
                return loads;
            });
        }
    }

    /** A server with its load in each live worker, the current one first. */
    public record Inspection(Server server, List<WorkerLoad> workers) {
    }

    /** @param pid the worker's pid, or null for the current worker behind the admin socket */
    public record WorkerLoad(Integer pid, boolean old, ServerLoad load) {
    }
}
