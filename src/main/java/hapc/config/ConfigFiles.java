package hapc.config;

import hapc.ErrorKind;
import hapc.HapcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files that make up a configuration, in the order HAProxy loads them: each {@code -f}
 * argument in turn, a directory standing for its {@code *.cfg} files in alphabetical order.
 */
public final class ConfigFiles {
    public static final String DEFAULT = "/etc/haproxy/haproxy.cfg";

    private ConfigFiles() {
    }

    public static List<Path> expand(List<String> given) {
        List<Path> files = new ArrayList<>();
        for (String spelling : given.isEmpty() ? List.of(DEFAULT) : given) {
            Path path = Path.of(spelling);
            if (Files.isDirectory(path)) {
                try (Stream<Path> entries = Files.list(path)) {
                    entries.filter(p -> p.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(p))
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new HapcException(ErrorKind.CONFIG, "cannot list the config directory " + path + ": "
                            + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new HapcException(ErrorKind.CONFIG, "no config file or directory at " + path);
            }
        }
        return files;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            ErrorKind kind = e instanceof java.nio.file.AccessDeniedException ? ErrorKind.PERMISSION : ErrorKind.CONFIG;
            throw new HapcException(kind, "cannot read the config file " + file + ": " + e.getMessage(), e);
        }
    }
}
