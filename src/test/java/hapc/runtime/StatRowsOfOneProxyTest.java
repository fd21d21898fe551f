package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The 'show stat' reader keeps the rows of the proxy asked about, and only those. */
class StatRowsOfOneProxyTest {
    private static final String DUMP = """
            # pxname,svname,qcur,qmax,scur,status,weight,type,addr,
            web,FRONTEND,,,0,OPEN,,0,,
            web2,a,0,0,7,UP,1,2,127.0.0.1:1,
            web,a,0,0,3,UP,1,2,127.0.0.1:2,
            web.x,a,0,0,9,UP,1,2,127.0.0.1:3,
            web,b,1,0,0,DRAIN,1,2,127.0.0.1:4,
            web,BACKEND,0,0,3,UP,2,1,,
            xweb,a,0,0,5,UP,1,2,127.0.0.1:5,
            """;

    @Test
    void onlyTheServersOfThatProxyAreRead() {
        Map<String, StatRow> rows = RuntimeApi.statRows(Set.of("web"), new Answer("show stat", DUMP)).get("web");
        assertEquals(List.of("a", "b"), List.copyOf(rows.keySet()));
        assertEquals(3, rows.get("a").load().sessions());
        assertEquals("127.0.0.1:2", rows.get("a").address());
        assertEquals(1, rows.get("b").load().queued());
    }

    @Test
    void theFilteredTableStillFindsColumnsByName() {
        Table table = Table.csv(DUMP, "web2");
        assertEquals(1, table.rows().size());
        assertEquals("7", table.get(table.rows().get(0), "scur"));
        assertEquals(7, Table.csv(DUMP).rows().size());
    }

    @Test
    void aSeverityPrefixIsOnlyRecognisedAtTheStart() {
        assertTrue(new Answer("show stat", "[3]: No such proxy.\n").isError());
        assertFalse(new Answer("show stat", DUMP + "[3]: not at the start\n").isError());
    }
}
