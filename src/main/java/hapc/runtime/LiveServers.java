package hapc.runtime;

import hapc.HapcException;
import hapc.model.AdminState;
import hapc.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The servers of the running HAProxy, with sessions counted in every live worker: the current
 * one through the admin socket and, when a master CLI is known, the OLD workers that still hold
 * connections after a reload (invisible on the admin socket).
 */
public final class LiveServers {
    private final RuntimeApi api;
    private final Supplier<MasterCli> masterSource;
    private MasterCli master;
    private boolean masterLooked;

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

    public List<Server> list(String backend) {
        Map<String, RuntimeApi.ServerView> views = api.servers(backend);
        Map<Integer, Map<String, ServerLoad>> old = oldWorkerLoads(backend);
        List<Server> servers = new ArrayList<>(views.size());
        views.forEach((name, view) -> servers.add(toServer(backend, view, old)));
        return servers;
    }

    public Server get(String backend, String server) {
        return inspect(backend, server).server();
    }

    /** The server together with its load in each live worker, the current one first. */
    public Inspection inspect(String backend, String server) {
        Map<String, RuntimeApi.ServerView> views = api.servers(backend);
        Map<Integer, Map<String, ServerLoad>> old = oldWorkerLoads(backend);
        Server found = pick(backend, server, views, old);
        StatRow stat = views.get(server).stat();
        List<WorkerLoad> loads = new ArrayList<>();
        loads.add(new WorkerLoad(null, false, stat == null ? ServerLoad.NONE : stat.load()));
        old.forEach((pid, perServer) -> loads.add(new WorkerLoad(pid, true, perServer.getOrDefault(server, ServerLoad.NONE))));
        return new Inspection(found, loads);
    }

    /**
     * Changes the admin state (killing sessions if asked, in old workers too) and returns the
     * server as it is after.
     */
    public Server apply(String backend, String server, AdminState state, boolean killSessions) {
        Map<String, RuntimeApi.ServerView> views = api.setState(backend, server, state, killSessions);
        if (killSessions && master() != null) {
            master().shutdownSessions(oldWorkers(), backend, server);
        }
        return pick(backend, server, views, oldWorkerLoads(backend));
    }

    /** The server's load in each live worker, the current one first. */
    public List<WorkerLoad> loadByWorker(String backend, String server) {
        Map<String, ServerLoad> current = api.loads(backend);
        if (!current.containsKey(server)) {
            throw noSuchServer(backend, server);
        }
        List<WorkerLoad> loads = new ArrayList<>();
        loads.add(new WorkerLoad(null, false, current.get(server)));
        oldWorkerLoads(backend).forEach((pid, perServer) ->
                loads.add(new WorkerLoad(pid, true, perServer.getOrDefault(server, ServerLoad.NONE))));
        return loads;
    }

    public static ServerLoad total(List<WorkerLoad> loads) {
        return loads.stream().map(WorkerLoad::load).reduce(ServerLoad.NONE, ServerLoad::plus);
    }

    private Map<Integer, Map<String, ServerLoad>> oldWorkerLoads(String backend) {
        if (master() == null) {
            return Map.of();
        }
        return master().oldWorkerLoads(oldWorkers(), backend);
    }

    private List<Process> oldWorkers() {
        return master().processes().stream().filter(p -> p.role() == Process.Role.OLD).toList();
    }

    private Server pick(String backend, String server, Map<String, RuntimeApi.ServerView> views,
            Map<Integer, Map<String, ServerLoad>> old) {
        RuntimeApi.ServerView view = views.get(server);
        if (view == null) {
            throw noSuchServer(backend, server);
        }
        return toServer(backend, view, old);
    }

    private static Server toServer(String backend, RuntimeApi.ServerView view,
            Map<Integer, Map<String, ServerLoad>> old) {
        StateRow state = view.state();
        StatRow stat = view.stat();
        ServerLoad load = stat == null ? ServerLoad.NONE : stat.load();
        for (Map<String, ServerLoad> perServer : old.values()) {
            load = load.plus(perServer.getOrDefault(state.server(), ServerLoad.NONE));
        }
        return new Server(backend, state.server(), state.admin(), state.operational(),
                stat == null ? "" : stat.status(),
                stat == null ? state.weight() : stat.weight(),
                state.address(), state.port(), load.sessions(), load.queued(),
                stat == null ? null : stat.checkStatus());
    }

    private static HapcException noSuchServer(String backend, String server) {
        return HapcException.notFound("no server '" + server + "' in backend '" + backend + "' of the running HAProxy");
    }

    public record Inspection(Server server, List<WorkerLoad> workers) {
    }

    /** @param pid the worker's pid, or null for the current worker behind the admin socket */
    public record WorkerLoad(Integer pid, boolean old, ServerLoad load) {
    }
}
