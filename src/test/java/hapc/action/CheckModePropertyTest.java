package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.HaproxyVersions;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.TcpListen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Check mode is a promise: random sequences of enable, drain (with and without --wait) and
 * stop, in check mode, on servers in every admin state (one holding a live TCP session), by
 * command line or JSON, leave HAProxy's {@code show servers state} and the session exactly as
 * they were, on each HAProxy version of the matrix (one property per version, the version in
 * its name). hapc talks to HAProxy through {@link RecordingRelay}s, so the property also checks
 * on the wire that every call read and that no command that changes HAProxy ever went out.
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

    /** One version's HAProxy, its state before any call, and the relays hapc talks through. */
    record Live(HaproxyProcess haproxy, String snapshot, RecordingRelay admin, RecordingRelay master) {
    }

    private static final Map<String, Live> LIVE = new LinkedHashMap<>();
    private static BackendServer backend;

    @BeforeContainer
    static void start() {
        backend = new BackendServer();
        for (String binary : HaproxyVersions.binaries()) {
            TcpListen db = TcpListen.db(backend.port());
            HaproxyProcess haproxy = HaproxyProcess.start(binary, """
                    backend web
                        server ready1 127.0.0.1:%1$d
                        server drained 127.0.0.1:%1$d
                        server stopped 127.0.0.1:%1$d
                        server disabled 127.0.0.1:%1$d disabled
                    """.formatted(backend.port()) + db.section());
            RawSocket.ask(haproxy.adminSocket(), "set server web/drained state drain");
            RawSocket.ask(haproxy.adminSocket(), "set server web/stopped state maint");
            db.holdSession(haproxy, "db1");
            LIVE.put(HaproxyVersions.majorMinor(binary), new Live(haproxy, RawSocket.serversState(haproxy.adminSocket()),
                    RecordingRelay.to(haproxy.adminSocket()), RecordingRelay.to(haproxy.masterSocket())));
        }
    }

    @AfterContainer
    static void stop() {
        for (Live live : LIVE.values()) {
            live.admin().close();
            live.master().close();
            live.haproxy().close();
        }
        if (backend != null) {
            backend.close();
        }
        System.out.println("CheckModePropertyTest: " + CALLS.get() + " check-mode calls on HAProxy " + LIVE.keySet());
    }

    /** One call: the action, the target, and whether it comes as a JSON request. */
    record Call(String action, String[] target, boolean json) {
        @Override
        public String toString() {
            return (json ? "json " : "") + action + " " + target[0] + "/" + target[1];
        }
    }

    @Property(tries = 50)
    @Label("check-mode sequences change nothing on HAProxy 2.6")
    void checkModeSequencesChangeNothingOnHaproxy26(@ForAll("sequences") List<Call> calls) {
        checkModeSequenceChangesNothing("2.6", calls);
    }

    @Property(tries = 50)
    @Label("check-mode sequences change nothing on HAProxy 3.0")
    void checkModeSequencesChangeNothingOnHaproxy30(@ForAll("sequences") List<Call> calls) {
        checkModeSequenceChangesNothing("3.0", calls);
    }

    private static void checkModeSequenceChangesNothing(String version, List<Call> calls) {
        Live live = LIVE.get(version);
        assertTrue(live != null, "HAProxy " + version + " is not in the matrix: " + LIVE.keySet());
        for (Call call : calls) {
            live.admin().clear();
            live.master().clear();
            HapcRun run = run(live, call);
            CALLS.incrementAndGet();
            assertTrue(run.exit() == 0 || run.exit() == 2 && "not_found".equals(run.errorKind()),
                    call + ": " + run.stdout());
            assertTrue(run.json().get("check_mode").asBoolean(), run.stdout());
            assertFalse(live.admin().commands().isEmpty(), call + " read HAProxy's state through the relay");
            assertEquals(List.of(), live.admin().changes(), call + " sent a change in check mode");
            assertEquals(List.of(), live.master().changes(), call + " sent a change to the master in check mode");
        }
        assertEquals(live.snapshot(), RawSocket.serversState(live.haproxy().adminSocket()), calls.toString());
        assertEquals(1, RawSocket.sessions(live.haproxy().adminSocket(), "db", "db1"), "the held session is alive");
    }

    private static HapcRun run(Live live, Call call) {
        List<String> words = List.of(call.action().split(" "));
        String admin = live.admin().path().toString();
        String master = live.master().path().toString();
        if (call.json()) {
            String request = """
                    {"action": "%s", "backend": "%s", "server": "%s", "check_mode": true%s}
                    """.formatted(words.get(0), call.target()[0], call.target()[1],
                    words.size() > 1 ? ", \"wait\": true, \"timeout\": 5" : "");
            return HapcRun.runWithInput(request, "--json-in", "-", "-k", admin, "--master-socket", master);
        }
        List<String> args = new ArrayList<>(List.of("-C", "-k", admin, "--master-socket", master));
        args.addAll(words);
        args.addAll(List.of("-b", call.target()[0], "-s", call.target()[1]));
        return HapcRun.run(args.toArray(new String[0]));
    }

    @Provide
    Arbitrary<List<Call>> sequences() {
        Arbitrary<Call> call = Combinators.combine(Arbitraries.of(ACTIONS), Arbitraries.of(TARGETS),
                Arbitraries.of(true, false)).as(Call::new);
        return call.list().ofMinSize(2).ofMaxSize(8);
    }
}
