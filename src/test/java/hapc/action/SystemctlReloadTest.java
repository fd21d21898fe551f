package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hapc.ErrorKind;
import hapc.HapcException;
import hapc.host.Systemctl;
import hapc.output.Outcome;
import hapc.request.Action;
import hapc.request.Field;
import hapc.request.Request;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.Procs;
import hapc.testing.RawSocket;
import hapc.testing.ServerStates;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reload-haproxy without a master CLI: hapc runs {@code systemctl reload haproxy} and then
 * requires a new worker behind the admin socket. Two honest halves, since a test cannot
 * reload the host's own service through systemd:
 * <ul>
 * <li>the REAL {@code systemctl} from PATH, run by hapc's command line: Debian's haproxy service
 * is stopped and disabled on a test host (scripts/install-deps), so systemctl fails (without
 * systemd as PID 1: "System has not been booted with systemd"; with it: the unit is not
 * active), and hapc must report that failure as a reload error and change nothing;</li>
 * <li>the reload commands of Debian's own unit ({@code ExecReload=} of
 * /lib/systemd/system/haproxy.service, read from the file, with the unit's variables pointed at
 * the test's HAProxy) run as the program hapc calls in place of systemctl: what systemd would
 * do on {@code systemctl reload}, so the rest of the path (new worker, states kept) runs on a
 * real HAProxy. Systemd itself is not involved there, and the test says so.</li>
 * </ul>
 */
@Timeout(90)
class SystemctlReloadTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path DEBIAN_UNIT = Path.of("/lib/systemd/system/haproxy.service");

    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    private HaproxyProcess haproxy(String binary) {
        return live.start(binary, """
                frontend fe
                    bind 127.0.0.1:%1$d
                    default_backend be
                backend be
                    server s1 127.0.0.1:%2$d
                    server s2 127.0.0.1:%2$d
                """.formatted(Ports.free(), live.backend().port()));
    }

    /** hapc picks systemctl only when no master CLI is found, the default one included. */
    private static void requireNoSystemHaproxy() {
        assertFalse(Files.exists(Path.of(Context.DEFAULT_MASTER_SOCKET)), Context.DEFAULT_MASTER_SOCKET
                + " exists: Debian's haproxy service is running on this host. scripts/install-deps stops and"
                + " disables it; these tests must not reach (nor reload) the host's own HAProxy");
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theRealSystemctlIsRunAndItsFailureIsAReloadErrorThatChangesNothing(String binary) {
        requireNoSystemHaproxy();
        assumeTrue(onPath("systemctl") != null, "no systemctl on PATH: hapc's systemctl path cannot run here");
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server be/s1 state drain").strip());
        int worker = Procs.currentWorker(haproxy.masterSocket());
        String states = RawSocket.serversState(haproxy.adminSocket());

        HapcRun run = HapcRun.run("reload-haproxy", "-c", haproxy.config().toString(), "-k",
                haproxy.adminSocket().toString(), "--haproxy-bin", binary, "--socket-timeout", "5");

        assertEquals(1, run.exit(), run.stdout());
        assertEquals("reload", run.errorKind(), run.stdout());
        assertEquals("systemctl", run.json().get("method").asText(), run.stdout());
        assertTrue(run.msg().startsWith("systemctl reload haproxy failed with exit status"), run.msg());
        assertFalse(run.json().get("startup_output").isEmpty(), "systemctl's own words are in the answer: "
                + run.stdout());
        assertEquals(worker, Procs.currentWorker(haproxy.masterSocket()), "same worker");
        assertEquals(worker, Procs.adminPid(haproxy.adminSocket()));
        assertEquals(0, Procs.masterCounters(haproxy.masterSocket())[0], "HAProxy was not reloaded");
        assertEquals(states, RawSocket.serversState(haproxy.adminSocket()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void debiansUnitReloadCommandsGiveANewWorkerAndTheStatesStay(String binary) throws Exception {
        requireNoSystemHaproxy();
        assumeTrue(Files.isRegularFile(DEBIAN_UNIT), DEBIAN_UNIT + " is missing: Debian's haproxy package is"
                + " not installed, so its reload commands cannot be run");
        HaproxyProcess haproxy = haproxy(binary);
        assertEquals("", RawSocket.ask(haproxy.adminSocket(), "set server be/s1 state drain").strip());
        int master = Procs.pids(haproxy.masterSocket(), "master").get(0);
        int before = Procs.currentWorker(haproxy.masterSocket());
        Path reload = unitReloadProgram(haproxy, master);
        Request request = Request.of(Action.RELOAD_HAPROXY, Map.of(Field.CONFIG, haproxy.config().toString(),
                Field.SOCKET, haproxy.adminSocket().toString(), Field.HAPROXY_BIN, binary));

        Outcome outcome = new ReloadHaproxy(new Systemctl(reload.toString()), Duration.ofSeconds(10))
                .run(new Context(request, line -> { }));

        JsonNode json = MAPPER.valueToTree(outcome.fields());
        HapcRun.assertValid(json);
        assertEquals("systemctl", json.get("method").asText(), json.toString());
        // The master re-executes itself on USR2: its CLI is back a moment later.
        assertTrue(HaproxyProcess.waitUntil(Duration.ofSeconds(10), () -> {
            try {
                return Procs.currentWorker(haproxy.masterSocket()) != before;
            } catch (RuntimeException e) {
                return false;
            }
        }), "a new worker behind the master");
        int after = Procs.currentWorker(haproxy.masterSocket());
        assertNotEquals(before, after);
        assertEquals(after, Procs.adminPid(haproxy.adminSocket()));
        assertTrue(json.get("workers_after").toString().contains("\"pid\":" + after), json.toString());
        assertEquals("drain", ServerStates.of(haproxy, "be", "s1"), "s1 still drained");
        assertEquals("ready", ServerStates.of(haproxy, "be", "s2"));

        // A reload command that "succeeds" without a new worker is a failed reload, not a success.
        Files.writeString(reload, "#!/bin/sh\nexit 0\n");
        HapcException failure = assertThrows(HapcException.class,
                () -> new ReloadHaproxy(new Systemctl(reload.toString()), Duration.ofSeconds(2)).run(new Context(
                        Request.of(Action.RELOAD_HAPROXY, Map.of(Field.CONFIG, haproxy.config().toString(),
                                Field.SOCKET, haproxy.adminSocket().toString(), Field.HAPROXY_BIN, binary,
                                Field.SOCKET_TIMEOUT, 2.0)), line -> { })));
        assertEquals(ErrorKind.RELOAD, failure.kind());
        assertEquals(after, Procs.currentWorker(haproxy.masterSocket()));
    }

    /**
     * A program taking {@code reload haproxy} that runs the unit's ExecReload= lines in order,
     * stopping at the first failure as systemd does, with the unit's {@code $CONFIG},
     * {@code $EXTRAOPTS} and {@code $MAINPID} pointing at the test's HAProxy and the unit's
     * binary replaced by the one under test.
     */
    private static Path unitReloadProgram(HaproxyProcess haproxy, int master) throws IOException {
        String unit = Files.readString(DEBIAN_UNIT);
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher env = Pattern.compile("\"([A-Z]+)=([^\"]*)\"").matcher(unit.lines()
                .filter(l -> l.startsWith("Environment=")).reduce("", (a, b) -> a + " " + b));
        while (env.find()) {
            variables.put(env.group(1), env.group(2));
        }
        assertEquals(Path.of("/run/haproxy-master.sock"), Path.of(variables.get("EXTRAOPTS").replace("-S ", "").strip()),
                "the unit gives HAProxy its master CLI with -S: " + variables);
        variables.put("CONFIG", haproxy.config().toString());
        variables.put("EXTRAOPTS", "-S " + haproxy.masterSocket());
        variables.put("MAINPID", Integer.toString(master));
        List<String> lines = new ArrayList<>();
        for (String line : unit.lines().filter(l -> l.startsWith("ExecReload=")).toList()) {
            String command = line.substring("ExecReload=".length()).replace("/usr/sbin/haproxy", haproxy.binary());
            for (Map.Entry<String, String> variable : variables.entrySet()) {
                command = command.replace("$" + variable.getKey(), variable.getValue());
            }
            lines.add(command + " || exit $?");
        }
        assertEquals(2, lines.size(), "Debian's unit checks the config, then signals the master: " + lines);
        assertTrue(lines.get(0).contains(" -c ") && lines.get(1).contains("-USR2 " + master), lines.toString());
        Path program = haproxy.dir().resolve("haproxy.service-ExecReload");
        Files.writeString(program, "#!/bin/sh\n[ \"$1 $2\" = \"reload haproxy\" ] || exit 3\n"
                + String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        return program;
    }
}
