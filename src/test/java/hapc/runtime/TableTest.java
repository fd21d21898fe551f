package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsers on answers recorded from a real HAProxy 2.6 (in addition to the live tests). */
class TableTest {
    private static String recorded(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/recorded", name));
    }

    /** The recorded line: severity answer, 'show servers state web', 'show stat web 4 -1'. */
    private static List<String> parts() throws IOException {
        String text = recorded("web-2.6.txt");
        String[] chunks = text.split("\n\n", -1);
        // chunks[0] is the empty severity answer ("\n") followed by the state table.
        return List.of(chunks[0].substring(1), chunks[1]);
    }

    @Test
    void serversStateColumnsAreFoundByName() throws IOException {
        Table table = Table.spaced(parts().get(0));
        assertEquals(3, table.rows().size());
        String[] first = table.rows().get(0);
        assertEquals("web-1", table.get(first, "srv_name"));
        assertEquals("18081", table.get(first, "srv_port"));
        assertEquals("", table.get(first, "a_column_of_a_future_version"));
    }

    @Test
    void statCsvWithTrailingCommaAndModuleSeparator() throws IOException {
        Table table = Table.csv(parts().get(1));
        assertTrue(table.has("-"), "2.4+ separates module fields with a '-' column");
        assertEquals(3, table.rows().size());
        String[] row = table.rows().get(1);
        assertEquals("web-10", table.get(row, "svname"));
        assertEquals("DOWN", table.get(row, "status"));
        assertEquals(0, table.number(row, "scur"));
        assertEquals("127.0.0.1:18082", table.get(row, "addr"));
    }

    /** Reading only some columns gives, for those, exactly what splitting every field gives. */
    @Test
    void keptColumnsReadAsTheFullSplit() throws IOException {
        String state = parts().get(0);
        String stat = parts().get(1);
        assertSameCells(Table.spaced(state), Table.spaced(state, "be_name", Set.of("web"), Set.of("be_name",
                "srv_name", "srv_admin_state", "srv_port", "srv_agent_state", "no_such_column")));
        assertSameCells(Table.csv(stat), Table.csv(stat, Set.of("web"), Set.of("pxname", "svname", "status",
                "addr", "scur", "check_status", "-")));
        Table kept = Table.csv(stat, Set.of("web"), Set.of("svname"));
        assertTrue(kept.has("scur"), "the header still knows every column");
        assertThrows(IllegalStateException.class, () -> kept.get(kept.rows().get(0), "scur"),
                "a column read without having been kept is a programming error, never an empty cell");
        assertEquals("", kept.get(kept.rows().get(0), "a_column_of_a_future_version"));
    }

    /** A filter on a column other than the first matches the exact name, compared in place. */
    @Test
    void filterOnALaterColumnMatchesExactNames() throws IOException {
        String state = parts().get(0);
        assertEquals(List.of("web-1"), names(Table.spaced(state, "srv_name", Set.of("web-1"))));
        assertEquals(List.of("web-10"), names(Table.spaced(state, "srv_name", Set.of("web-10"))));
        assertEquals(List.of(), names(Table.spaced(state, "srv_name", Set.of("web-"))));
        assertEquals(List.of("web-1", "web-10"), names(Table.spaced(state, "srv_name", Set.of("web-1", "web-10"))));
        List<String> visited = new java.util.ArrayList<>();
        Table streamed = Table.spaced(state, "srv_name", Set.of("web-1", "dis"), Set.of("srv_name"),
                (table, row) -> visited.add(table.get(row, "srv_name")));
        assertEquals(List.of("web-1", "dis"), visited, "each row handed over as it is split");
        assertEquals(0, streamed.rows().size(), "and not kept");
    }

    private static List<String> names(Table table) {
        return table.rows().stream().map(row -> table.get(row, "srv_name")).toList();
    }

    private static void assertSameCells(Table full, Table kept) {
        assertEquals(full.rows().size(), kept.rows().size());
        for (int i = 0; i < full.rows().size(); i++) {
            for (String column : List.of("be_name", "srv_name", "srv_admin_state", "srv_port", "srv_agent_state",
                    "no_such_column", "pxname", "svname", "status", "addr", "scur", "check_status", "-")) {
                assertEquals(full.get(full.rows().get(i), column), kept.get(kept.rows().get(i), column),
                        "row " + i + " column " + column);
            }
        }
    }

    @Test
    void statRowsAreMatchedByExactServerName() throws IOException {
        Map<String, StatRow> rows = RuntimeApi.statRows(Set.of("web"), new Answer("show stat web 4 -1", parts().get(1))).get("web");
        assertEquals(List.of("web-1", "web-10", "dis"), List.copyOf(rows.keySet()));
        assertEquals("MAINT", rows.get("dis").status());
    }

    @Test
    void showProcSectionsGiveRoles() throws IOException {
        List<Process> old = MasterCli.parseProcesses(recorded("show-proc-2.6-old-worker.txt"));
        assertEquals(List.of(Process.Role.MASTER, Process.Role.CURRENT, Process.Role.OLD),
                old.stream().map(Process::role).toList());
        assertEquals(2927, old.get(2).pid());
        assertEquals(1, old.get(0).reloads());
        assertEquals(0, old.get(0).failedReloads());

        List<Process> v30 = MasterCli.parseProcesses(recorded("show-proc-3.0.txt"));
        assertEquals(2, v30.size());
        assertEquals("3.0.11-9e587df", v30.get(1).version());
    }
}
