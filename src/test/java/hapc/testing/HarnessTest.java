package hapc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The harness's own promises, so the tests built on it can fail: the strict answer reader
 * refuses what is not exactly one valid answer, the relay records what crossed it, a process
 * past its deadline is killed, a port is never handed out twice.
 */
class HarnessTest {
    private static final String ANSWER = "{\"action\":\"list-servers\",\"changed\":false,\"failed\":true,"
            + "\"msg\":\"no backend\",\"error\":{\"kind\":\"not_found\",\"message\":\"no backend\"}}";

    @Test
    void theStrictReaderTakesExactlyOneValidAnswerOnOneLine() {
        assertEquals("not_found", HapcRun.strict(2, ANSWER + "\n", "").errorKind());
        for (String bad : List.of(ANSWER, ANSWER + "\n\n", ANSWER + ANSWER + "\n", ANSWER + " junk\n",
                ANSWER + "\n" + ANSWER + "\n", "[" + ANSWER + "]\n", "\n", "",
                ANSWER.replace("\"changed\":false,", "") + "\n",
                ANSWER.replace("{\"action\"", "{\"action\":\"x\",\"action\"") + "\n")) {
            assertThrows(AssertionError.class, () -> HapcRun.strict(2, bad, ""), bad);
        }
    }

    @Test
    void theRelayForwardsAndRecordsEveryLinePerConnection() {
        try (FakeHaproxySocket haproxy = FakeHaproxySocket.answering("42\n\n");
                RecordingRelay relay = RecordingRelay.to(haproxy.path())) {
            assertEquals("42\n\n", RawSocket.ask(relay.path(), "show info; set server a/b state drain"));
            assertEquals("42\n\n", RawSocket.ask(relay.path(), "@!123 show proc"));
            assertEquals(List.of(List.of("show info; set server a/b state drain"), List.of("@!123 show proc")),
                    relay.connections());
            assertEquals(List.of("show info", "set server a/b state drain", "@!123 show proc"), relay.commands());
            assertEquals(List.of("set server a/b state drain"), relay.changes());
            relay.clear();
            assertEquals(List.of(), relay.connections());
        }
    }

    @Test
    void aProcessPastItsDeadlineIsKilledAndFailsTheTest() {
        long started = System.nanoTime();
        AssertionError error = assertThrows(AssertionError.class,
                () -> BoundedProcess.run(Duration.ofMillis(500), "sleep", "30"));
        assertTrue(error.getMessage().contains("did not end within"), error.getMessage());
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "not waited for");
        BoundedProcess done = BoundedProcess.run(Duration.ofSeconds(10), "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(new BoundedProcess(3, "out\n", "err\n"), done);
    }

    @Test
    void aSilentSocketIsBoundedForTheTestsOwnReaderToo() {
        try (FakeHaproxySocket silent = FakeHaproxySocket.silent()) {
            assertThrows(AssertionError.class, () -> RawSocket.ask(silent.path(), "show info", Duration.ofMillis(300)));
        }
    }

    @Test
    void portsAreNeverHandedOutTwiceAndNeverEphemeral() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = Ports.free();
            assertTrue(seen.add(port), "handed out twice: " + port);
            assertTrue(port >= 20_000 && port < 32_768, "outside the ephemeral range: " + port);
        }
    }

    @Test
    void portsStillComeOnceTheRangeIsUsedUpAndTheRecentOnesAreNotRepeated() {
        // A whole suite can hand out every port below the ephemeral range (a full run did): then the
        // oldest ports come again, never one of the last few hundred.
        java.util.ArrayDeque<Integer> recent = new java.util.ArrayDeque<>();
        Set<Integer> recentSet = new HashSet<>();
        for (int i = 0; i < 40_000; i++) {
            int port = Ports.free();
            assertTrue(port >= 20_000 && port < 32_768, "outside the ephemeral range: " + port);
            assertTrue(recentSet.add(port), "handed out again among the last 500: " + port + " (call " + i + ")");
            recent.addLast(port);
            if (recent.size() > 500) {
                recentSet.remove(recent.removeFirst());
            }
        }
    }
}
