package hapc.config;

import java.util.List;

/** One line of a section, cut into words (quotes removed, variables expanded), with its origin. */
public record Directive(List<String> words, Origin origin) {
    public String keyword() {
        return words.get(0);
    }

    /** The i-th word, or null when the line is shorter. */
    public String word(int i) {
        return i < words.size() ? words.get(i) : null;
    }

    public boolean is(String... keywords) {
        if (words.size() < keywords.length) {
            return false;
        }
        for (int i = 0; i < keywords.length; i++) {
            if (!words.get(i).equals(keywords[i])) {
                return false;
            }
        }
        return true;
    }
}
