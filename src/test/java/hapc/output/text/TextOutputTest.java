package hapc.output.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.BackendServer;
import hapc.testing.CliRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Ports;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.TcpListen;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * -o text for the runtime actions, against a real HAProxy of every version: the tables hold HAProxy's real
 * figures, in aligned columns, and the text says what the JSON says (same exit status).
 */
class TextOutputTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();
    private final BackendServer backend = live.backend();
    private HaproxyProcess haproxy;
    private TcpListen db;

    private void start(String binary) {
        db = TcpListen.db(backend.port());
        haproxy = live.start(binary, """
                frontend fe
                    bind 127.0.0.1:%1$d
                    default_backend web
                backend web
                    server web-1 127.0.0.1:%2$d weight 30
                    server web-2 127.0.0.1:%2$d disabled
                """.formatted(Ports.free(), backend.port()) + db.section());
    }

    private CliRun text(String... args) {
        List<String> all = new ArrayList<>(List.of("-o", "text", "-k", haproxy.adminSocket().toString(),
                "--master-socket", haproxy.masterSocket().toString()));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    private void holdTcpSession() {
        db.holdSession(haproxy, "db1");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listServersWithDetailsIsATableOfStateWeightAndSessions(String binary) {
        start(binary);
        CliRun run = text("list-servers", "-b", "web", "-d");
        assertEquals(0, run.exit(), run.stdout());
        List<String> lines = run.stdout().lines().toList();
        assertEquals("2 servers in backend web.", lines.get(0));
        assertEquals("", lines.get(1));
        String header = lines.get(2);
        assertTrue(header.startsWith("SERVER  ADMIN"), header);
        String web1 = row(lines, "web-1");
        String web2 = row(lines, "web-2");
        assertEquals("ready", cell(header, web1, "ADMIN"));
        // A server disabled in the config says so: enabling it at run time is not the whole story.
        assertEquals("maint (config)", cell(header, web2, "ADMIN"));
        assertEquals("30", cell(header, web1, "WEIGHT"));
        assertEquals("0", cell(header, web1, "SESSIONS"));
        assertEquals("127.0.0.1:" + backend.port(), cell(header, web1, "ADDRESS"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void numbersAreRightAlignedUnderTheirHeader(String binary) {
        start(binary);
        String out = text("list-servers", "-b", "web", "-d").stdout();
        List<String> lines = out.lines().toList();
        String header = lines.get(2);
        int end = header.indexOf("WEIGHT") + "WEIGHT".length();
        assertEquals('0', row(lines, "web-1").charAt(end - 1), out);
        assertEquals("30", row(lines, "web-1").substring(end - 2, end), out);
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listBackendsListsWhatHaproxyRuns(String binary) {
        start(binary);
        CliRun run = text("list-backends");
        List<String> expected = new ArrayList<>(List.of("BACKEND"));
        expected.addAll(RawSocket.backends(haproxy.adminSocket()));
        List<String> lines = run.stdout().lines().toList();
        assertEquals(expected, lines.subList(2, lines.size()));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void drainShowsBeforeAndAfterAndMarksWhatChanged(String binary) {
        start(binary);
        holdTcpSession();
        CliRun run = text("drain-server", "-b", "db", "-s", "db1");
        assertEquals(0, run.exit(), run.stdout());
        List<String> lines = run.stdout().lines().toList();
        assertEquals("db/db1 drained (was ready).", lines.get(0));
        String header = lines.get(2);
        assertEquals("ready", cell(header, row(lines, "admin state"), "BEFORE"));
        assertEquals("drain", cell(header, row(lines, "admin state"), "AFTER"));
        assertEquals("*", cell(header, row(lines, "admin state"), "CHANGED"));
        // The session stays: that is what drain means, and the table shows it unchanged.
        assertEquals("1", cell(header, row(lines, "sessions"), "AFTER"));
        assertEquals("", cell(header, row(lines, "sessions"), "CHANGED"));
        assertEquals(0x08, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void checkModeIsSaidAndNothingChanges(String binary) {
        start(binary);
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        CliRun run = CliRun.run("-o", "text", "-k", relay.path().toString(), "--master-socket",
                haproxy.masterSocket().toString(), "stop-server", "-b", "db", "-s", "db1", "--check");
        assertTrue(run.stdout().contains("\nCheck mode: nothing was changed.\n"), run.stdout());
        assertEquals(0, RawSocket.adminBits(haproxy.adminSocket(), "db", "db1"));
        assertTrue(relay.readServersState(), relay.commands().toString());
        assertEquals(List.of(), relay.changes(), "check mode sends only reads");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void notSafeGivesTheReasonsAndEveryWorkersLoadWithExitThree(String binary) {
        start(binary);
        holdTcpSession();
        CliRun run = text("check-safe-to-remove", "-b", "db", "-s", "db1");
        assertEquals(3, run.exit(), run.stdout());
        List<String> lines = run.stdout().lines().toList();
        assertEquals("Safe to remove: no   admin state: ready", lines.get(2));
        assertEquals("Because:", lines.get(3));
        assertTrue(lines.get(4).startsWith("  - it is ready and takes new traffic"), lines.get(4));
        assertTrue(lines.get(5).startsWith("  - it has 1 session"), lines.get(5));
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("WORKER")).findFirst().orElseThrow());
        assertEquals("current", cell(lines.get(header), lines.get(header + 1), "ROLE"));
        assertEquals("1", cell(lines.get(header), lines.get(header + 1), "SESSIONS"));
        assertEquals("1", cell(lines.get(header), lines.get(lines.size() - 1), "SESSIONS"));
        assertTrue(lines.get(lines.size() - 1).contains("total"), lines.get(lines.size() - 1));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void listConnectionsTotalsTheWorkers(String binary) {
        start(binary);
        holdTcpSession();
        CliRun run = text("list-connections", "-b", "db", "-s", "db1");
        List<String> lines = run.stdout().lines().toList();
        assertEquals("db/db1 has 1 session and 0 queued.", lines.get(0));
        assertEquals("WORKER  ROLE     SESSIONS  QUEUED", lines.get(2));
        assertEquals("total", cell(lines.get(2), lines.get(lines.size() - 1), "ROLE"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anExpiredDrainWaitIsAFailureThatStillShowsTheServerAndTheWait(String binary) {
        start(binary);
        holdTcpSession();
        CliRun run = text("drain-server", "-b", "db", "-s", "db1", "-w", "-t", "0.3");
        assertEquals(1, run.exit(), run.stdout());
        List<String> lines = run.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("db/db1 is drained but still has 1 session"), lines.get(0));
        assertEquals("Error: timeout", lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Waited ") && l.endsWith("left: 1 sessions, 0 queued.")),
                run.stdout());
        assertEquals("drain", cell(lines.get(3), row(lines, "admin state"), "AFTER"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void theConfigActionsShowTheRealConfig(String binary) {
        start(binary);
        String config = haproxy.config().toString();
        List<String> frontends = text("-c", config, "list-frontends").stdout().lines().toList();
        String header = frontends.get(2);
        assertEquals("web (default)", cell(header, row(frontends, "fe "), "BACKENDS"));
        List<String> configLines = readLines(haproxy.config());
        assertEquals(config + ":" + (configLines.indexOf("frontend fe") + 1), cell(header, row(frontends, "fe "), "DEFINED AT"));
        assertEquals("db (itself)", cell(header, row(frontends, "db "), "BACKENDS"));

        List<String> backends = text("-c", config, "list-config-backends", "-f", "fe").stdout().lines().toList();
        assertEquals("web-2", cell(backends.get(2), backends.get(4), "SERVER"));
        assertEquals("disabled", cell(backends.get(2), backends.get(4), "FLAGS"));

        List<String> links = text("-c", config, "list-backends", "--links").stdout().lines().toList();
        assertEquals("fe", cell(links.get(2), row(links, "web"), "FRONTENDS"));
        assertEquals("yes", cell(links.get(2), row(links, "web"), "IN CONFIG"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void reloadInCheckModeShowsTheValidationAndTheWorkers(String binary) {
        start(binary);
        CliRun run = text("-c", haproxy.config().toString(), "--haproxy-bin", binary,
                "reload-haproxy", "--check");
        assertEquals(0, run.exit(), run.stdout());
        List<String> lines = run.stdout().lines().toList();
        assertEquals("Check mode: nothing was changed.", lines.get(1));
        assertTrue(row(lines, "Config valid: yes   command: ").contains(haproxy.config().toString()), run.stdout());
        assertTrue(row(lines, "Reload method: master_cli").startsWith("Reload method: master_cli"), run.stdout());
        int workers = lines.indexOf("Workers before:");
        List<String> table = lines.subList(workers + 1, workers + 4);
        assertEquals(List.of("master", "current"),
                table.subList(1, 3).stream().map(r -> cell(table.get(0), r, "ROLE")).toList(), run.stdout());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void anUnknownBackendIsOneSentenceAndItsKind(String binary) {
        start(binary);
        CliRun run = text("list-servers", "-b", "nosuch");
        assertEquals(2, run.exit());
        assertEquals(List.of("no backend 'nosuch' in the running HAProxy", "Error: not_found"),
                run.stdout().lines().toList());
    }

    private static List<String> readLines(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The first line that starts with the text. */
    static String row(List<String> lines, String start) {
        return lines.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starts with '" + start + "' in\n" + String.join("\n", lines)));
    }

    /**
     * The cell of a row under a header word. A left-aligned cell starts where its header starts
     * and ends at two spaces; a right-aligned one (a number) ends where its header ends.
     */
    static String cell(String header, String row, String column) {
        int start = header.indexOf(column);
        if (start < 0) {
            throw new AssertionError("no column " + column + " in " + header);
        }
        String padded = row + " ".repeat(Math.max(0, header.length() - row.length() + 2));
        if (padded.charAt(start) != ' ') {
            int end = padded.indexOf("  ", start);
            return padded.substring(start, end < 0 ? padded.length() : end).strip();
        }
        int end = start + column.length();
        int from = padded.lastIndexOf(' ', end - 1) + 1;
        return padded.substring(from, end).strip();
    }
}
