package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.BackendServer;
import hapc.testing.HapcProcess;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many hapc calls at once, as when config management drives several hosts' worth of changes
 * onto one load balancer: on different servers and on the same server, repeatedly, both as
 * threads (many calls, fast) and as real separate processes (what actually happens). Every
 * call must answer truthfully and HAProxy must end in the state the last calls asked for,
 * checked through the raw reader, never through hapc's answers.
 */
class ConcurrentCallsTest {
    private static final int SERVERS = 8;
    private static final String[] STATES = {"drain", "maint", "ready"};
    private static final Map<String, String> ACTION = Map.of(
            "drain", "drain-server", "maint", "stop-server", "ready", "enable-server");
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger CONFLICTS = new AtomicInteger();

    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();

    @AfterAll
    static void report() {
        System.out.println("ConcurrentCallsTest: " + CALLS.get() + " concurrent hapc calls, all answered; "
                + CONFLICTS.get() + " contradicted by a simultaneous call and said so");
    }

    private HaproxyProcess haproxy(String binary) {
        StringBuilder servers = new StringBuilder("backend web\n");
        for (int i = 1; i <= SERVERS; i++) {
            servers.append("    server s").append(i).append(" 127.0.0.1:").append(backend.port()).append('\n');
        }
        servers.append("backend hot\n    server h1 127.0.0.1:").append(backend.port()).append('\n');
        HaproxyProcess haproxy = live.start(binary, servers.toString());
        return haproxy;
    }

    /** One call's arguments: -k, the backend and server, the action for the wanted state. */
    private static String[] call(HaproxyProcess haproxy, String backend, String server, String wanted) {
        return new String[] {"-k", haproxy.adminSocket().toString(), "--master-socket",
            haproxy.masterSocket().toString(), ACTION.get(wanted), "-b", backend, "-s", server};
    }

    /**
     * Each of 8 threads owns one server and walks it through drain, maint, ready 12 times over;
     * all 8 go at once. Since nobody else touches a thread's server, every answer's "before"
     * must be exactly what that thread asked for last, and its "after" what it asks for now.
     * The calls go through a {@link RecordingRelay}: what crossed the wire for each server is
     * exactly one {@code set server} per change, in order, and no write for a call that found
     * the server already as asked (a {@code shutdown sessions} only right after a maint).
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void threadsOnDifferentServersEachSeeExactlyTheirOwnHistory(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        int rounds = 12;
        Map<String, List<String>> expectedWrites = new java.util.concurrent.ConcurrentHashMap<>();
        List<Supplier<String>> workers = new ArrayList<>();
        for (int i = 1; i <= SERVERS; i++) {
            String server = "s" + i;
            int offset = i;
            workers.add(() -> {
                String last = "ready";
                List<String> writes = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    String wanted = STATES[(round + offset) % STATES.length];
                    String[] args = call(haproxy, "web", server, wanted);
                    args[1] = relay.path().toString();
                    HapcRun run = HapcRun.run(args);
                    if (!last.equals(wanted)) {
                        writes.add("set server web/" + server + " state " + wanted);
                    }
                    CALLS.incrementAndGet();
                    assertEquals(0, run.exit(), server + " round " + round + ": " + run.stdout());
                    assertEquals(last, run.json().at("/before/admin_state").asText(), run.stdout());
                    assertEquals(wanted, run.json().at("/after/admin_state").asText(), run.stdout());
                    assertEquals(!last.equals(wanted), run.changed(), run.stdout());
                    last = wanted;
                }
                expectedWrites.put(server, writes);
                return last;
            });
        }
        List<String> lastAsked = runTogether(workers);
        for (int i = 1; i <= SERVERS; i++) {
            assertEquals(lastAsked.get(i - 1), ServerStates.of(haproxy, "web", "s" + i), "s" + i);
            String target = "web/s" + i;
            List<String> sent = relay.changes().stream().filter(c -> c.endsWith(" " + target)
                    || c.contains(" " + target + " ")).toList();
            assertEquals(expectedWrites.get("s" + i), sent.stream().filter(c -> c.startsWith("set server ")).toList(),
                    "the state writes sent for " + target);
            for (int at = 0; at < sent.size(); at++) {
                if (sent.get(at).startsWith("shutdown sessions ")) {
                    assertEquals("set server " + target + " state maint", at > 0 ? sent.get(at - 1) : null,
                            "sessions shut only right after a maint: " + sent);
                }
            }
        }
    }

    /**
     * Rounds of 8 threads all asking the same state of the same server at once: every call
     * succeeds with that state, and HAProxy is in it after each round.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void threadsOnTheSameServerAllSucceedAndTheServerEndsAsAsked(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        String previous = "ready";
        for (String wanted : List.of("drain", "drain", "maint", "ready", "maint", "drain", "ready", "ready")) {
            List<Supplier<String>> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(() -> {
                    HapcRun run = HapcRun.run(call(haproxy, "hot", "h1", wanted));
                    CALLS.incrementAndGet();
                    assertEquals(0, run.exit(), run.stdout());
                    assertEquals(wanted, run.json().at("/after/admin_state").asText(), run.stdout());
                    return run.changed() ? "changed" : "unchanged";
                });
            }
            List<String> outcomes = runTogether(callers);
            assertEquals(wanted, ServerStates.of(haproxy, "hot", "h1"));
            if (previous.equals(wanted)) {
                assertTrue(outcomes.stream().allMatch("unchanged"::equals), "already " + wanted + ": " + outcomes);
            } else {
                // "changed" is decided from the state each call read before acting: at least
                // the first caller saw the old state; others may have seen it too.
                assertTrue(outcomes.contains("changed"), outcomes.toString());
            }
            previous = wanted;
        }
    }

    /**
     * Contradicting calls on the same server at once (drain, stop and enable together): there
     * is no right final state, but every answer must be true. A call either succeeds with the
     * state it asked for, or (another call changed the server between its write and its read
     * back, in the same exchange) fails saying exactly that, with the state it saw. The last
     * write of a round is followed by no other, so at least one call succeeds, and the server
     * ends in the state of a successful call.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void contradictingCallsOnTheSameServerEachAnswerTruthfully(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        for (int round = 0; round < 20; round++) {
            List<Supplier<String>> callers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String wanted = STATES[(i + round) % STATES.length];
                callers.add(() -> {
                    HapcRun run = HapcRun.run(call(haproxy, "hot", "h1", wanted));
                    CALLS.incrementAndGet();
                    String after = run.json().at("/after/admin_state").asText();
                    if (run.exit() == 0) {
                        assertEquals(wanted, after, run.stdout());
                        return wanted;
                    }
                    assertEquals(1, run.exit(), run.stdout());
                    assertEquals("conflict", run.errorKind(), run.stdout());
                    assertTrue(run.msg().contains("another client changed the server"), run.msg());
                    assertTrue(!after.equals(wanted) && List.of(STATES).contains(after), run.stdout());
                    CONFLICTS.incrementAndGet();
                    return null;
                });
            }
            List<String> succeeded = runTogether(callers).stream().filter(java.util.Objects::nonNull).toList();
            assertTrue(!succeeded.isEmpty(), "the last write of a round reads back its own state");
            String end = ServerStates.of(haproxy, "hot", "h1");
            assertTrue(succeeded.contains(end), end + " is the state of a successful call: " + succeeded);
        }
    }

    /**
     * Real processes, as config management starts them: rounds of 12 JVMs at once, 8 on
     * different servers and 4 on the same one, each round asking every server for a new state.
     * 36 JVMs per version on a 2-core machine: a longer bound than the default.
     */
    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void separateProcessesAtOnceAnswerCorrectlyAndLeaveTheAskedStates(String binary) throws Exception {
        HaproxyProcess haproxy = haproxy(binary);
        String[] before = new String[SERVERS + 1];
        java.util.Arrays.fill(before, "ready");
        String hotBefore = "ready";
        for (int round = 0; round < 3; round++) {
            List<Process> processes = new ArrayList<>();
            List<String[]> expected = new ArrayList<>();
            long startedAt = System.nanoTime();
            for (int i = 1; i <= SERVERS; i++) {
                String wanted = STATES[(round + i) % STATES.length];
                processes.add(HapcProcess.start(call(haproxy, "web", "s" + i, wanted)));
                expected.add(new String[] {"web", "s" + i, wanted, before[i]});
                before[i] = wanted;
            }
            String hotWanted = STATES[round % STATES.length];
            for (int i = 0; i < 4; i++) {
                processes.add(HapcProcess.start(call(haproxy, "hot", "h1", hotWanted)));
                expected.add(new String[] {"hot", "h1", hotWanted, hotBefore});
            }
            hotBefore = hotWanted;
            for (int i = 0; i < processes.size(); i++) {
                HapcProcess run = HapcProcess.finish(processes.get(i), startedAt, Duration.ofSeconds(60));
                CALLS.incrementAndGet();
                String[] e = expected.get(i);
                JsonNode json = run.json();
                assertEquals(0, run.exit(), run.stdout() + run.stderr());
                assertEquals(e[2], json.at("/after/admin_state").asText(), run.stdout());
                assertEquals(e[0], json.get("backend").asText());
                assertEquals(e[1], json.get("server").asText());
                if (e[0].equals("web")) {
                    assertEquals(e[3], json.at("/before/admin_state").asText(), run.stdout());
                }
            }
            for (int i = 1; i <= SERVERS; i++) {
                assertEquals(before[i], ServerStates.of(haproxy, "web", "s" + i), "round " + round + " s" + i);
            }
            assertEquals(hotWanted, ServerStates.of(haproxy, "hot", "h1"), "round " + round);
        }
    }

    /** Runs the suppliers on their own threads, released together; returns their results in order. */
    private static <T> List<T> runTogether(List<Supplier<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Supplier<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.get();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(120, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError assertion) {
                        throw assertion;
                    }
                    throw e;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
