package hapc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Copies a config fixture from src/test/resources/configs/NAME into a directory, replacing
 * {@code @DIR@} and {@code @KEY@} placeholders (ports), so the same files serve the parser
 * tests and a real HAProxy.
 */
public final class ConfigFixture {
    public static final List<String> TRICKY = List.of("00-global.cfg", "10-defaults.cfg", "15-listen.cfg",
            "20-frontends.cfg", "30-backends.cfg", "README.txt");

    private ConfigFixture() {
    }

    /** Writes the files into {@code target} (created) and returns it. */
    public static Path write(String name, List<String> files, Path socketDir, Path target, Map<String, Object> values) {
        try {
            Files.createDirectories(target);
            for (String file : files) {
                String text;
                try (InputStream in = ConfigFixture.class.getResourceAsStream("/configs/" + name + "/" + file)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no fixture configs/" + name + "/" + file);
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                text = text.replace("@DIR@", socketDir.toString());
                for (Map.Entry<String, Object> value : values.entrySet()) {
                    text = text.replace("@" + value.getKey() + "@", String.valueOf(value.getValue()));
                }
                Files.writeString(target.resolve(file), text, StandardCharsets.ISO_8859_1);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
