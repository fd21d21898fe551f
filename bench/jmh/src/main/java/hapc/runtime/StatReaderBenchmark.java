package hapc.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * hapc's {@code show stat} reader: {@link Table#csv} and the row extraction of
 * {@link RuntimeApi#statRows}, on a full dump of a 10,000-backend HAProxy (~25 MB, written by
 * bench/parser) and on the one-backend answer hapc really asks for. bench/parser turns the
 * times into MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class StatReaderBenchmark {
    /** The full 'show stat' dump of the large HAProxy. */
    @Param("")
    public String dump;

    /** The backend whose rows are extracted. */
    @Param("bk05000")
    public String backend;

    private byte[] fullBytes;
    private String full;
    private String oneBackend;

    @Setup(Level.Trial)
    public void load() throws IOException {
        fullBytes = Files.readAllBytes(Path.of(dump));
        full = new String(fullBytes, StandardCharsets.UTF_8);
        StringBuilder one = new StringBuilder(full.substring(0, full.indexOf('\n') + 1));
        full.lines().filter(line -> line.startsWith(backend + ",")).forEach(line -> one.append(line).append('\n'));
        oneBackend = one.toString();
    }

    /** Splitting the whole dump into rows and fields (Table.csv). */
    @Benchmark
    public Table fullDumpTable() {
        return Table.csv(full);
    }

    /** The whole reader on the whole dump: Table.csv, then the rows of one backend's servers. */
    @Benchmark
    public Map<String, StatRow> fullDumpStatRows() {
        return RuntimeApi.statRows(backend, new Answer("show stat", full));
    }

    /** As the socket hands it over: UTF-8 decoding of the bytes, then the reader. */
    @Benchmark
    public Map<String, StatRow> fullDumpFromBytes() {
        return RuntimeApi.statRows(backend, new Answer("show stat", new String(fullBytes, StandardCharsets.UTF_8)));
    }

    /** What a hapc call or a drain poll really reads: the answer to 'show stat B 4 -1'. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Map<String, StatRow> oneBackendStatRows() {
        return RuntimeApi.statRows(backend, new Answer("show stat " + backend + " 4 -1", oneBackend));
    }

    /** Sizes in bytes, for the MB/s figures: printed by bench/parser with --sizes. */
    public static void main(String[] args) throws IOException {
        StatReaderBenchmark b = new StatReaderBenchmark();
        b.dump = args[0];
        b.backend = args.length > 1 ? args[1] : "bk05000";
        b.load();
        System.out.println(b.full.length() + " " + b.oneBackend.length());
    }
}
