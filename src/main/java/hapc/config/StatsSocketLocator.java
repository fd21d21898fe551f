package hapc.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the admin socket in the {@code global} section: the first {@code stats socket ADDRESS
 * ... level admin} line that is not commented out. A socket without {@code level admin} cannot
 * change server states, so it is passed over.
 */
public final class StatsSocketLocator {
    private StatsSocketLocator() {
    }

    public static Optional<String> adminSocket(List<Path> files) {
        for (Path file : files) {
            boolean inGlobal = false;
            for (String raw : ConfigFiles.read(file).split("\n")) {
                String line = stripComment(raw).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] words = line.split("[ \t]+");
                if (isSectionKeyword(words[0])) {
                    inGlobal = words[0].equals("global");
                    continue;
                }
                if (inGlobal && words.length >= 3 && words[0].equals("stats") && words[1].equals("socket")
                        && hasAdminLevel(words)) {
                    return Optional.of(unquote(words[2]));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hasAdminLevel(String[] words) {
        for (int i = 3; i + 1 < words.length; i++) {
            if (words[i].equals("level") && words[i + 1].equals("admin")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSectionKeyword(String word) {
        return switch (word) {
            case "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
                 "mailers", "program", "http-errors", "ring", "cache", "crt-store", "traces", "log-forward" -> true;
            default -> false;
        };
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static String unquote(String word) {
        if (word.length() >= 2 && (word.startsWith("\"") && word.endsWith("\"")
                || word.startsWith("'") && word.endsWith("'"))) {
            return word.substring(1, word.length() - 1);
        }
        return word;
    }
}
