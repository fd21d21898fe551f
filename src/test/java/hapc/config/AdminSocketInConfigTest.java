package hapc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the admin socket in the config: the default of -k. */
class AdminSocketInConfigTest {
    private static Optional<String> adminSocket(List<Path> files) {
        return HaproxyConfig.read(files, name -> null, () -> null).adminSocket().map(StatsSocket::address);
    }

    @TempDir
    Path dir;

    @Test
    void theFirstAdminLevelSocketOfTheGlobalSectionThatIsNotCommentedOut() throws IOException {
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                \t# stats socket /run/commented.sock mode 600 level admin
                    stats socket /run/user.sock mode 600 level user
                    stats socket ipv4@127.0.0.1:9999 level operator
                \tstats\tsocket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
                    stats socket /run/second.sock level admin
                frontend fe
                    stats socket /run/not-global.sock level admin
                """);
        assertEquals(Optional.of("/run/haproxy/admin.sock"), adminSocket(List.of(cfg)));
    }

    @Test
    void noAdminSocketAtAll() throws IOException {
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), "global\n    stats socket /run/u.sock level user\n");
        assertEquals(Optional.empty(), adminSocket(List.of(cfg)));
    }

    @Test
    void aConfigDirectoryIsReadInAlphabeticalOrder() throws IOException {
        Path conf = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(conf.resolve("20-b.cfg"), "global\n    stats socket /run/b.sock level admin\n");
        Files.writeString(conf.resolve("10-a.cfg"), "global\n    stats socket /run/a.sock level admin\n");
        Files.writeString(conf.resolve("00-ignored.txt"), "global\n    stats socket /run/x.sock level admin\n");
        assertEquals(List.of(conf.resolve("10-a.cfg"), conf.resolve("20-b.cfg")),
                ConfigFiles.expand(List.of(conf.toString())));
        assertEquals(Optional.of("/run/a.sock"),
                adminSocket(ConfigFiles.expand(List.of(conf.toString()))));
    }
}
