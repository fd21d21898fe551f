package hapc.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.Procs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which pid from {@code show proc} is trusted as the master here: only a process that runs with
 * {@code -S} naming this master socket. The host's pid 1 (init) is no HAProxy master, and a real
 * master is recognised by its own socket only.
 */
class LocalMasterTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    @Test
    void theHostsPid1IsNotTheMasterOfASocketEvenThoughItIsAlive() {
        assertTrue(ProcessHandle.of(1).map(ProcessHandle::isAlive).orElse(false), "pid 1 lives here (the premise)");
        assertEquals(Optional.empty(), LocalMaster.of(1, Path.of("/run/haproxy-master.sock")));
        assertEquals(Optional.empty(), LocalMaster.of(1, Path.of("/tmp/hapc-nowhere/master.sock")));
    }

    @Test
    void aPidThatDoesNotExistIsNoMaster() {
        assertEquals(Optional.empty(), LocalMaster.of(Integer.MAX_VALUE, Path.of("/run/haproxy-master.sock")));
        assertEquals(Optional.empty(), LocalMaster.of(0, Path.of("/run/haproxy-master.sock")));
    }

    /** The command line's forms of -S, read from a /proc of the test's making (the pid is this JVM's, which exists). */
    @Test
    void theMasterSocketIsFoundInEveryFormOfMinusS(@TempDir Path proc) throws IOException {
        int pid = (int) ProcessHandle.current().pid();
        Path dir = Files.createDirectories(proc.resolve(String.valueOf(pid)));
        Path socket = Path.of("/run/hapc-test/master.sock");
        Files.createSymbolicLink(dir.resolve("cwd"), Path.of("/run/hapc-test"));
        String[][] matching = {
            {"/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg", "-S", "/run/hapc-test/master.sock"},
            {"haproxy", "-W", "-S", "/run/hapc-test/master.sock,mode,600,level,admin", "-f", "h.cfg"},
            {"haproxy", "-W", "-S", "unix@/run/hapc-test/master.sock", "-f", "h.cfg", "-sf", "12"},
            {"haproxy", "-W", "-S", "master.sock", "-f", "h.cfg"},
            {"haproxy", "-W", "-S", "/run/hapc-test/../hapc-test/master.sock"},
        };
        for (String[] args : matching) {
            cmdline(dir, args);
            assertTrue(LocalMaster.of(proc, pid, socket).isPresent(), String.join(" ", args));
        }
        String[][] other = {
            {"/sbin/init"},
            {"haproxy", "-W", "-f", "h.cfg"},
            {"haproxy", "-W", "-S", "/run/other/master.sock", "-f", "h.cfg"},
            {"haproxy", "-W", "-S", "ipv4@127.0.0.1:9999", "-f", "h.cfg"},
            {"haproxy", "-W", "-f", "/run/hapc-test/master.sock"},
            {"haproxy", "-W", "-S"},
        };
        for (String[] args : other) {
            cmdline(dir, args);
            assertEquals(Optional.empty(), LocalMaster.of(proc, pid, socket), String.join(" ", args));
        }
        Files.delete(dir.resolve("cmdline"));
        assertEquals(Optional.empty(), LocalMaster.of(proc, pid, socket), "an unreadable command line tells nothing");
    }

    private static void cmdline(Path dir, String... args) throws IOException {
        Files.write(dir.resolve("cmdline"), (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aRealMasterIsRecognisedByItsOwnSocketOnly(String binary) {
        HaproxyProcess haproxy = live.start(binary, "");
        int master = Procs.pids(haproxy.masterSocket(), "master").get(0);
        Optional<ProcessHandle> found = LocalMaster.of(master, haproxy.masterSocket());
        assertTrue(found.isPresent() && found.get().isAlive(), "master " + master + " of " + haproxy.masterSocket());
        assertEquals(Optional.empty(), LocalMaster.of(master, haproxy.adminSocket()), "not the master of another socket");
        assertEquals(Optional.empty(), LocalMaster.of(master, Path.of("/run/haproxy-master.sock")));
    }
}
