import hapc.host.HaproxyLock;
import hapc.host.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * bench/lock's in-process figure: what taking and releasing one HAProxy's lock costs a call
 * (open the lock file, lock it, write the holder's name, release, close), without the JVM's
 * start or any socket. Usage: java -cp target/hapc.jar:bench/target/lock LockCost STATE_DIR N
 */
public final class LockCost {
    public static void main(String[] args) throws Exception {
        StateDir dir = new StateDir(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            try (HaproxyLock lock = HaproxyLock.acquire(dir, "/run/haproxy/admin.sock", Duration.ofSeconds(5),
                    "bench")) {
                micros[i] = (System.nanoTime() - start) / 1000;
            }
        }
        long[] warm = Arrays.copyOfRange(micros, n / 10, n);
        Arrays.sort(warm);
        System.out.printf("first call %d us; after %d warm-up calls: median %d us, p90 %d us, max %d us (%d calls)%n",
                micros[0], n / 10, warm[warm.length / 2], warm[warm.length * 9 / 10], warm[warm.length - 1], warm.length);
        Files.walk(dir.path()).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
