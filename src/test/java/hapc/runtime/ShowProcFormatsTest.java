package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master CLI's {@code show proc} in each format, on answers recorded from the real 2.2.9,
 * 2.6.12 and 3.0.11 of the matrix right after a reload, while the old worker still held a
 * session: every process with its role, PID, reloads and version, whichever columns the
 * version prints.
 */
class ShowProcFormatsTest {
    private static List<Process> parsed(String name) throws IOException {
        return MasterCli.parseProcesses(Files.readString(Path.of("src/test/resources/recorded", name)));
    }

    private static List<String> summary(List<Process> processes) {
        return processes.stream().map(p -> p.role() + " " + p.pid() + " reloads=" + p.reloads() + " " + p.uptime()
                + " " + p.version()).toList();
    }

    /** Up to 2.4: a relative PID column, "[was: 1]" for the old worker; no failed count. */
    @Test
    void before25TheRelativePidColumnIsSkipped() throws IOException {
        List<Process> old = parsed("show-proc-2.2-old-worker.txt");
        assertEquals(List.of(
                "MASTER 13405 reloads=1 0d00h00m02s 2.2.9-a947cc2",
                "CURRENT 13480 reloads=0 0d00h00m01s 2.2.9-a947cc2",
                "OLD 13407 reloads=1 0d00h00m02s 2.2.9-a947cc2"), summary(old));
        assertNull(old.get(0).failedReloads(), "2.2 does not count failed reloads");
        assertEquals(List.of("MASTER 13405 reloads=0 0d00h00m00s 2.2.9-a947cc2",
                "CURRENT 13407 reloads=0 0d00h00m00s 2.2.9-a947cc2"), summary(parsed("show-proc-2.2.txt")));
    }

    /** From 2.5: no relative PID; the master's reloads followed by "[failed: N]". */
    @Test
    void from25TheMasterCountsFailedReloads() throws IOException {
        List<Process> v26 = parsed("show-proc-2.6-old-worker.txt");
        assertEquals(List.of(
                "MASTER 2925 reloads=1 0d00h04m35s 2.6.12-1+deb12u4",
                "CURRENT 4963 reloads=0 0d00h00m01s 2.6.12-1+deb12u4",
                "OLD 2927 reloads=1 0d00h04m34s 2.6.12-1+deb12u4"), summary(v26));
        assertEquals(0, v26.get(0).failedReloads());
        assertNull(v26.get(1).failedReloads());
    }

    /** 3.0 prints the 2.5 format. */
    @Test
    void in30TheFormatIsThe25One() throws IOException {
        List<Process> v30 = parsed("show-proc-3.0-old-worker.txt");
        assertEquals(List.of(
                "MASTER 14356 reloads=1 0d00h00m02s 3.0.11-9e587df",
                "CURRENT 14517 reloads=0 0d00h00m02s 3.0.11-9e587df",
                "OLD 14370 reloads=1 0d00h00m02s 3.0.11-9e587df"), summary(v30));
        assertEquals(0, v30.get(0).failedReloads());
    }
}
