package hapc.action;

import hapc.plan.ForcedState;
import hapc.reload.MasterReload;
import hapc.reload.ReloadResult;
import hapc.reload.SystemctlReload;
import hapc.wait.Pause;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.HaproxyLock;
import hapc.config.ConfigBackend;
import hapc.config.ConfigServer;
import hapc.config.ServerKeywords;
import hapc.config.ConfigFiles;
import hapc.config.HaproxyConfig;
import hapc.config.StateFiles;
import hapc.host.CommandRun;
import hapc.host.HaproxyBinary;
import hapc.host.StateFileWriter;
import hapc.host.Systemctl;
import hapc.model.AdminState;
import hapc.model.AgentState;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Request;
import hapc.runtime.AdminSocket;
import hapc.runtime.MasterCli;
import hapc.runtime.Process;
import hapc.runtime.ServersState;
import hapc.runtime.SocketTarget;
import hapc.runtime.WorkerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * reload-haproxy, in the order an operator can trust at 3 a.m.:
 * <ol>
 * <li>validate the config with HAProxy itself ({@code haproxy -c}); invalid: nothing else happens;
 * <li>remember every server's run-time admin state (forced drain / maintenance), and when the
 *     config loads states from a server-state file, save {@code show servers state} into it;
 * <li>reload through the master CLI (or {@code systemctl reload haproxy} when there is none) and
 *     verify that a new worker took over; if not, fail, and the old worker keeps running;
 * <li>check every remembered state on the new worker and re-apply what the reload lost.
 * </ol>
 * Check mode does 1 and 2 without writing anything, and reports what would be done.
 */
public final class ReloadHaproxy implements ActionHandler {
    /** A reload parses the whole config and starts a worker: allow far more than one exchange. */
    private static final Duration MIN_RELOAD_LIMIT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 100;

    private final Systemctl systemctl;
    private final Duration minimumLimit;

    public ReloadHaproxy() {
        this(new Systemctl("systemctl"), MIN_RELOAD_LIMIT);
    }

    /**
     * @param systemctl    how to reload when there is no master CLI (tests give a stand-in)
     * @param minimumLimit the least time a reload is given to show a new worker
     */
    public ReloadHaproxy(Systemctl systemctl, Duration minimumLimit) {
        this.systemctl = systemctl;
        this.minimumLimit = minimumLimit;
    }

    @Override
    public Outcome run(Context context) {
        // What is known when a step fails travels with the failure; Cli adds check_mode to failures.
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("check_mode", context.request().checkMode());
        return reload(context, partial);
    }

    private Outcome reload(Context context, Map<String, Object> partial) {
        long started = System.nanoTime();
        Request request = context.request();

        refuseUnsafeStateFiles(context, partial);

        // 1. Validate with the binary itself; its own words are the answer when it refuses.
        HaproxyBinary binary = HaproxyBinary.locate(request.haproxyBin());
        List<String> configs = request.configs().isEmpty() ? List.of(ConfigFiles.DEFAULT) : request.configs();
        CommandRun check = binary.check(configs);
        boolean valid = check.exitStatus() == 0 || check.exitStatus() == 2;
        Map<String, Object> validated = new LinkedHashMap<>();
        validated.put("valid", valid);
        validated.put("command", check.command());
        validated.put("exit_status", check.exitStatus());
        validated.put("output", check.output());
        partial.put("validated", validated);
        if (!valid) {
            partial.put("method", "none");
            throw new HapcException(ErrorKind.CONFIG, "HAProxy refuses the configuration, nothing was reloaded: "
                    + MasterReload.alerts(check.output()), null, partial);
        }
        if (check.exitStatus() == 2) {
            context.warnings().add("haproxy -c: the configuration is valid but has no listener");
        }
        HaproxyConfig config = context.config();

        // 2. Who runs now, and the states a reload would lose.
        Duration limit = request.socketTimeout().compareTo(minimumLimit) > 0 ? request.socketTimeout()
                : minimumLimit;
        AdminSocket master = masterSocket(context);
        List<Process> before;
        WorkerCli current;
        if (master != null) {
            before = new MasterCli(master).processes();
            Process worker = before.stream().filter(p -> p.role() == Process.Role.CURRENT).findFirst().orElseThrow(
                    () -> new HapcException(ErrorKind.HAPROXY, "the master CLI at " + master.target()
                            + " lists no current worker: is HAProxy starting or stopping?", null, partial));
            current = WorkerCli.throughMaster(master, worker.pid());
        } else {
            current = WorkerCli.direct(context.socket(context.adminSocketTarget()));
            before = List.of(SystemctlReload.current(current.workerPid()));
        }
        partial.put("method", master != null ? "master_cli" : "systemctl");
        partial.put("workers_before", before.stream().map(Process::toJson).toList());
        ServersState statesBefore = current.serversState();
        StateFiles stateFiles = config.stateFiles();
        stateFiles.problems().forEach(p -> context.warnings().add("server-state file: " + p
                + "; states of those servers are re-applied instead"));
        Set<String> filedBackends = filedBackends(config, stateFiles);
        List<String> written = stateFilesToWrite(stateFiles);
        partial.put("state_files", written);

        if (request.checkMode()) {
            List<Map<String, Object>> wouldRestore = new ArrayList<>();
            for (ServersState.Entry entry : statesBefore.entries()) {
                ForcedState forced = ForcedState.of(entry.admin());
                if (forced.any()) {
                    wouldRestore.add(restored(entry.backend(), entry.server(), forced.state(),
                            filedBackends.contains(entry.backend()) ? "server_state_file" : "reapplied"));
                }
            }
            Outcome outcome = outcome(partial, started, before, wouldRestore).changed(true);
            return outcome.msg("Check mode: the configuration is valid; HAProxy would be reloaded through "
                    + (master != null ? "the master CLI at " + master.target() : "systemctl") + " and "
                    + count(wouldRestore.size(), "server state") + " given back. Nothing was changed.");
        }

        // 2b. The server-state files HAProxy will load, written just before it loads them.
        if (stateFiles.global() != null) {
            saveOrWarn(context, stateFiles.global(), statesBefore.text(), filedBackends, config, null);
        }
        stateFiles.perBackend().forEach((backend, file) ->
                saveOrWarn(context, file, statesBefore.textOf(backend), filedBackends, config, backend));

        // 3. Reload, verified.
        ReloadResult result;
        if (master != null) {
            AdminSocket longSocket = new AdminSocket(master.target(), limit, context.trace());
            result = new MasterReload(master, longSocket, limit).reload(before, partial);
        } else {
            result = new SystemctlReload(systemctl, current, limit).reload(before.get(0).pid(), partial);
        }
        partial.put("workers_after", result.workersAfter().stream().map(Process::toJson).toList());

        // 4. Give the states back on the new worker, under the HAProxy's lock like every write:
        //    a drain by another caller between the read and the write is then not undone.
        List<Map<String, Object>> restored;
        try (HaproxyLock lock = context.lockForWriting()) {
            restored = giveBack(context, statesBefore, result.newWorker(), filedBackends, partial, limit);
        }
        Outcome outcome = outcome(partial, started, result.workersAfter(), restored).changed(true);
        if (!result.startupOutput().isEmpty()) {
            outcome.put("startup_output", result.startupOutput());
        }
        int newPid = result.workersAfter().stream().filter(p -> p.role() == Process.Role.CURRENT)
                .mapToInt(Process::pid).findFirst().orElse(-1);
        return outcome.msg("HAProxy reloaded through " + (master != null ? "the master CLI" : "systemctl")
                + ": new worker " + newPid + ", " + count(restored.size(), "server state") + " given back.");
    }

    /**
     * Before anything runs (check mode too, and before haproxy -c, which would itself block on
     * reading a fifo): a server-state file path that leads to no regular file is a config error
     * that the rename would destroy (/dev/null as root) or a new worker would hang on. A config
     * hapc cannot read is left to haproxy -c to explain.
     */
    private static void refuseUnsafeStateFiles(Context context, Map<String, Object> partial) {
        StateFiles files;
        try {
            files = context.config().stateFiles();
        } catch (HapcException e) {
            return;
        }
        for (String file : stateFilesToWrite(files)) {
            try {
                StateFileWriter.replaceable(Path.of(file));
            } catch (HapcException e) {
                partial.put("method", "none");
                throw new HapcException(e.kind(), e.getMessage() + "; nothing was reloaded", null, partial);
            }
        }
    }

    /** The master CLI: --master-socket (must work), else the default one when it exists. */
    private static AdminSocket masterSocket(Context context) {
        String given = context.request().masterSocket();
        if (given != null) {
            return context.socket(SocketTarget.parse(given));
        }
        if (!Files.exists(Path.of(Context.DEFAULT_MASTER_SOCKET))) {
            return null;
        }
        AdminSocket socket = context.socket(SocketTarget.parse(Context.DEFAULT_MASTER_SOCKET));
        try {
            new MasterCli(socket).processes();
            return socket;
        } catch (HapcException e) {
            context.warnings().add("the master CLI at " + Context.DEFAULT_MASTER_SOCKET + " could not be used ("
                    + e.getMessage() + "); reloading with systemctl instead");
            return null;
        }
    }

    /** The backends whose servers get their states from a file hapc writes. */
    private static Set<String> filedBackends(HaproxyConfig config, StateFiles files) {
        Set<String> filed = new LinkedHashSet<>(files.perBackend().keySet());
        if (files.global() != null) {
            for (ConfigBackend backend : config.backends()) {
                if ("global".equals(backend.loadServerState())) {
                    filed.add(backend.name());
                }
            }
        }
        return filed;
    }

    private static List<String> stateFilesToWrite(StateFiles files) {
        List<String> paths = new ArrayList<>();
        if (files.global() != null) {
            paths.add(files.global().toString());
        }
        files.perBackend().values().forEach(p -> paths.add(p.toString()));
        return paths;
    }

    private static void saveOrWarn(Context context, Path file, String text, Set<String> filedBackends,
            HaproxyConfig config, String backend) {
        try {
            StateFileWriter.write(file, text);
            context.trace().accept("saved server states to " + file);
        } catch (HapcException e) {
            context.warnings().add(e.getMessage() + "; the states are re-applied after the reload instead");
            if (backend != null) {
                filedBackends.remove(backend);
            } else {
                config.backends().forEach(b -> {
                    if ("global".equals(b.loadServerState())) {
                        filedBackends.remove(b.name());
                    }
                });
            }
        }
    }

    /**
     * Compares every server's forced state before the reload with the new worker's, and gives
     * back what it lost, in the order a drain takes: the agent check paused first (an agent
     * answering "ready" would undo the state within one interval, and a server-state file does
     * not keep an agent paused), then the state. Then it waits one agent interval when an agent
     * is involved and reads back: the answer claims only states read on the new worker. A server
     * that the new config removed is a warning; a state HAProxy would not take back is a failure:
     * a drained server taking traffic again is exactly what this action exists to prevent.
     */
    private static List<Map<String, Object>> giveBack(Context context, ServersState before, WorkerCli worker,
            Set<String> filedBackends, Map<String, Object> partial, Duration limit) {
        ServersState after = readStates(worker, limit, partial);
        List<ServersState.Entry> kept = new ArrayList<>();
        List<ServersState.Entry> agentsToPause = new ArrayList<>();
        for (ServersState.Entry entry : before.entries()) {
            if (!ForcedState.of(entry.admin()).any()) {
                continue;
            }
            var now = after.find(entry.backend(), entry.server());
            if (now.isEmpty()) {
                context.warnings().add(entry.backend() + "/" + entry.server() + " was "
                        + ForcedState.of(entry.admin()).state().jsonName()
                        + " but is not in the reloaded HAProxy: its state could not be given back");
                continue;
            }
            kept.add(entry);
            if (entry.agent() == AgentState.PAUSED && now.get().agent() == AgentState.RUNNING) {
                agentsToPause.add(entry);
            }
        }
        Map<String, String> refused = new LinkedHashMap<>(worker.pauseAgents(agentsToPause));
        // Read again when agents were running: one may have answered "ready" in the meantime.
        ServersState current = agentsToPause.isEmpty() ? after : worker.serversState();
        List<WorkerCli.StateChange> changes = new ArrayList<>();
        Set<String> reapplied = new LinkedHashSet<>();
        for (ServersState.Entry entry : kept) {
            ForcedState was = ForcedState.of(entry.admin());
            ForcedState is = current.find(entry.backend(), entry.server()).map(e -> ForcedState.of(e.admin()))
                    .orElse(ForcedState.NONE);
            List<AdminState> steps = was.stepsFrom(is);
            if (!steps.isEmpty()) {
                reapplied.add(entry.backend() + "/" + entry.server());
                steps.forEach(step -> changes.add(new WorkerCli.StateChange(entry.backend(), entry.server(), step)));
            }
        }
        refused.putAll(worker.setStates(changes));

        long settle = agentSettleMillis(context, kept);
        if (settle > 0) {
            context.trace().accept("waiting " + settle + " ms (one agent interval) before verifying the given-back"
                    + " states on the new worker");
            Pause.millis(Math.min(settle, limit.toMillis()));
        }
        ServersState check = kept.isEmpty() ? current : worker.serversState();
        List<Map<String, Object>> restored = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (ServersState.Entry entry : kept) {
            String id = entry.backend() + "/" + entry.server();
            ForcedState was = ForcedState.of(entry.admin());
            var now = check.find(entry.backend(), entry.server());
            boolean stateBack = now.map(e -> ForcedState.of(e.admin()).equals(was)).orElse(false);
            boolean agentBack = entry.agent() != AgentState.PAUSED
                    || now.map(e -> e.agent() == AgentState.PAUSED).orElse(false);
            if (stateBack && agentBack) {
                Map<String, Object> json = restored(entry.backend(), entry.server(), was.state(),
                        reapplied.contains(id) ? "reapplied"
                                : filedBackends.contains(entry.backend()) ? "server_state_file" : "already_set");
                if (entry.agent() != AgentState.NONE) {
                    json.put("agent", now.get().agent().jsonName());
                }
                restored.add(json);
            } else {
                lost.add(id + " (" + was.state().jsonName() + (agentBack ? "" : ", agent paused")
                        + (refused.containsKey(id) ? ": " + refused.get(id) : "") + "; now "
                        + now.map(e -> ForcedState.of(e.admin()).state().jsonName() + ", agent "
                                + e.agent().jsonName()).orElse("gone") + ")");
            }
        }
        partial.put("states_restored", restored);
        if (!lost.isEmpty()) {
            throw new HapcException(ErrorKind.RELOAD, "HAProxy was reloaded, but the run-time state of "
                    + String.join(", ", lost) + " could not be given back on the new worker: check these servers now",
                    null, partial);
        }
        return restored;
    }

    /**
     * How long to wait before verifying: the longest agent interval of the given-back servers
     * whose agent check is configured (their agent may answer once more before the pause took),
     * 0 when none has one. From the config; HAProxy's 2 s default when it says nothing.
     */
    private static long agentSettleMillis(Context context, List<ServersState.Entry> entries) {
        long longest = 0;
        for (ServersState.Entry entry : entries) {
            if (entry.agent() == AgentState.NONE) {
                continue;
            }
            long interval = context.config().backend(entry.backend()).flatMap(b -> b.servers().stream()
                    .filter(s -> s.name().equals(entry.server())).findFirst())
                    .map(ConfigServer::agentIntervalMillis).orElse(ServerKeywords.DEFAULT_INTER_MILLIS);
            longest = Math.max(longest, interval);
        }
        return longest;
    }

    /** The new worker may take a moment to answer its CLI after the master listed it. */
    private static ServersState readStates(WorkerCli worker, Duration limit, Map<String, Object> partial) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return worker.serversState();
            } catch (HapcException e) {
                if (System.nanoTime() >= deadline) {
                    throw new HapcException(ErrorKind.RELOAD, "HAProxy was reloaded, but the new worker's server"
                            + " states could not be read to give the old ones back: " + e.getMessage(), e, partial);
                }
            }
            Pause.millis(POLL_MILLIS);
        }
    }

    private static Map<String, Object> restored(String backend, String server, AdminState state, String how) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("backend", backend);
        json.put("server", server);
        json.put("admin_state", state.jsonName());
        json.put("how", how);
        return json;
    }

    private static Outcome outcome(Map<String, Object> partial, long started, List<Process> after,
            List<Map<String, Object>> restored) {
        Outcome outcome = new Outcome(Action.RELOAD_HAPROXY);
        partial.forEach(outcome::put);
        outcome.put("workers_after", after.stream().map(Process::toJson).toList());
        outcome.put("states_restored", restored);
        outcome.put("duration_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1000.0);
        return outcome;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
