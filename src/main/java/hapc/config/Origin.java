package hapc.config;

import java.nio.file.Path;

/** Where something was read: a config file and a line number counted from 1. */
public record Origin(Path file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
