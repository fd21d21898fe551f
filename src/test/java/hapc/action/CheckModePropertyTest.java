package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Check mode is a promise: random sequences of enable, drain (with and without --wait) and
 * stop, in check mode, on servers in every admin state (one holding a live TCP session), by
 * command line or JSON, leave HAProxy's {@code show servers state} and the session exactly as
 * they were, on every HAProxy version available. --verbose traces every line sent, so the
 * property also checks that no changing command ever went out.
 */
class CheckModePropertyTest {
    /** backend/server targets: every admin state, a listen section, unknown names. */
    private static final List<String[]> TARGETS = List.of(
            new String[] {"web", "ready1"}, new String[] {"web", "drained"}, new String[] {"web", "stopped"},
            new String[] {"web", "disabled"}, new String[] {"db", "db1"}, new String[] {"web", "nosuch"},
            new String[] {"nosuch", "ready1"});
    private static final List<String> ACTIONS = List.of("enable-server", "drain-server", "drain-server -w",
            "stop-server");
    private static final AtomicInteger CALLS = new AtomicInteger();

    private static final List<HaproxyProcess> HAPROXIES = new ArrayList<>();
    private static final List<String> SNAPSHOTS = new ArrayList<>();
    private static BackendServer backend;

    @BeforeContainer
    static void start() {
        backend = new BackendServer();
        for (String binary : HaproxyVersions.binaries()) {
            int tcpPort = Ports.free();
            HaproxyProcess haproxy = HaproxyProcess.start(binary, """
                    backend web
                        server ready1 127.0.0.1:%1$d
                        server drained 127.0.0.1:%1$d
                        server stopped 127.0.0.1:%1$d
                        server disabled 127.0.0.1:%1$d disabled
                    listen db
                        mode tcp
                        bind 127.0.0.1:%2$d
                        server db1 127.0.0.1:%1$d
                    """.formatted(backend.port(), tcpPort));
            HAPROXIES.add(haproxy);
            RawSocket.ask(haproxy.adminSocket(), "set server web/drained state drain");
            RawSocket.ask(haproxy.adminSocket(), "set server web/stopped state maint");
            Socket held = haproxy.connect(tcpPort);
            assertTrue(held.isConnected());
            haproxy.awaitSessions("db", "db1", 1);
            SNAPSHOTS.add(RawSocket.serversState(haproxy.adminSocket()));
        }
    }

    @AfterContainer
    static void stop() {
        HAPROXIES.forEach(HaproxyProcess::close);
        backend.close();
        System.out.println("CheckModePropertyTest: " + CALLS.get() + " check-mode calls on " + HAPROXIES.size()
                + " HAProxy versions");
    }

    /** One call: the action, the target, and whether it comes as a JSON request. */
    record Call(String action, String[] target, boolean json) {
        @Override
        public String toString() {
            return (json ? "json " : "") + action + " " + target[0] + "/" + target[1];
        }
    }

    @Property(tries = 100)
    void checkModeSequencesChangeNothing(@ForAll("versions") int version, @ForAll("sequences") List<Call> calls) {
        HaproxyProcess haproxy = HAPROXIES.get(version);
        for (Call call : calls) {
            HapcRun run = run(haproxy, call);
            CALLS.incrementAndGet();
            assertTrue(run.exit() == 0 || run.exit() == 2 && "not_found".equals(run.errorKind()),
                    call + ": " + run.stdout());
            assertTrue(run.json().get("check_mode").asBoolean(), run.stdout());
            for (String line : run.stderr().split("\n")) {
                if (line.contains("-> ")) {
                    assertFalse(line.contains("set server") || line.contains("shutdown"),
                            call + " sent a change in check mode: " + line);
                }
            }
        }
        assertEquals(SNAPSHOTS.get(version), RawSocket.serversState(haproxy.adminSocket()), calls.toString());
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"), "the held session is alive");
    }

    private static HapcRun run(HaproxyProcess haproxy, Call call) {
        List<String> words = List.of(call.action().split(" "));
        if (call.json()) {
            String request = """
                    {"action": "%s", "backend": "%s", "server": "%s", "check_mode": true, "verbose": true%s}
                    """.formatted(words.get(0), call.target()[0], call.target()[1],
                    words.size() > 1 ? ", \"wait\": true, \"timeout\": 5" : "");
            return HapcRun.runWithInput(request, "--json-in", "-", "-k", haproxy.adminSocket().toString(),
                    "--master-socket", haproxy.masterSocket().toString());
        }
        List<String> args = new ArrayList<>(List.of("-C", "-v", "-k", haproxy.adminSocket().toString(),
                "--master-socket", haproxy.masterSocket().toString()));
        args.addAll(words);
        args.addAll(List.of("-b", call.target()[0], "-s", call.target()[1]));
        return HapcRun.run(args.toArray(new String[0]));
    }

    @Provide
    Arbitrary<Integer> versions() {
        return Arbitraries.integers().between(0, HAPROXIES.size() - 1);
    }

    @Provide
    Arbitrary<List<Call>> sequences() {
        Arbitrary<Call> call = Combinators.combine(Arbitraries.of(ACTIONS), Arbitraries.of(TARGETS),
                Arbitraries.of(true, false)).as(Call::new);
        return call.list().ofMinSize(2).ofMaxSize(8);
    }
}
