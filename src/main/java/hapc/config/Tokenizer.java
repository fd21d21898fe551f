package hapc.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Cuts one line of haproxy.cfg into words the way HAProxy does: spaces and tabs separate words,
 * an unquoted {@code #} starts a comment, a backslash escapes the next character ({@code \n},
 * {@code \r}, {@code \t}, {@code \xNN} included), double quotes protect spaces and allow
 * {@code $VAR}, {@code ${VAR}}, {@code ${VAR-default}} and {@code ${VAR[*]}} (one word per
 * space-separated value), and single quotes protect everything. Variables are expanded only
 * inside double quotes, as in HAProxy.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    /**
     * @param variables looks a variable up; returns null when it is not set
     * @return the words, and what could not be understood (unset variables, bad escapes,
     *         an unterminated quote)
     */
    public static Tokens split(String line, UnaryOperator<String> variables) {
        List<String> words = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
                i++;
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    problems.add("a backslash ends the line (HAProxy has no line continuation)");
                    i++;
                    continue;
                }
                i = escape(line, i + 1, word, problems);
                inWord = true;
                continue;
            }
            if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                    i++;
                } else if (c == '$') {
                    i = expand(line, i, word, words, variables, problems);
                } else {
                    word.append(c);
                    i++;
                }
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
                i++;
                continue;
            }
            word.append(c);
            inWord = true;
            i++;
        }
        if (quote != 0) {
            problems.add("unterminated " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return new Tokens(List.copyOf(words), List.copyOf(problems));
    }

    /** Handles the character after a backslash at {@code i}; returns the index after the escape. */
    private static int escape(String line, int i, StringBuilder word, List<String> problems) {
        char c = line.charAt(i);
        switch (c) {
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 't' -> word.append('\t');
            case 'x' -> {
                if (i + 2 < line.length() && isHex(line.charAt(i + 1)) && isHex(line.charAt(i + 2))) {
                    word.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
                    return i + 3;
                }
                problems.add("'\\x' is not followed by two hexadecimal digits");
                word.append('x');
            }
            default -> word.append(c);
        }
        return i + 1;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /**
     * Expands the variable starting with the {@code $} at {@code i} inside double quotes.
     * {@code ${VAR[*]}} ends the current word at each space of the value, so it may add words.
     */
    private static int expand(String line, int i, StringBuilder word, List<String> words,
            UnaryOperator<String> variables, List<String> problems) {
        int n = line.length();
        if (i + 1 < n && line.charAt(i + 1) == '{') {
            int close = line.indexOf('}', i + 2);
            if (close < 0) {
                problems.add("'${' without a closing '}'");
                word.append('$');
                return i + 1;
            }
            String inside = line.substring(i + 2, close);
            boolean splat = inside.endsWith("[*]");
            if (splat) {
                inside = inside.substring(0, inside.length() - 3);
            }
            String fallback = null;
            int dash = inside.indexOf('-');
            if (dash > 0) {
                fallback = inside.substring(dash + 1);
                inside = inside.substring(0, dash);
            }
            if (!isName(inside)) {
                problems.add("'${" + line.substring(i + 2, close) + "}' is not a valid variable reference");
                word.append(line, i, close + 1);
                return close + 1;
            }
            String value = variables.apply(inside);
            if (value == null) {
                if (fallback == null) {
                    problems.add("variable " + inside + " is not set in hapc's environment (HAProxy's may differ);"
                            + " read as empty");
                }
                value = fallback == null ? "" : fallback;
            }
            if (splat) {
                String[] parts = value.strip().split("[ \t]+");
                for (int p = 0; p < parts.length; p++) {
                    if (p > 0) {
                        words.add(word.toString());
                        word.setLength(0);
                    }
                    word.append(parts[p]);
                }
            } else {
                word.append(value);
            }
            return close + 1;
        }
        int end = i + 1;
        if (end < n && line.charAt(end) == '.') {
            end++;
        }
        while (end < n && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
            end++;
        }
        String name = line.substring(i + 1, end);
        if (!isName(name)) {
            word.append('$');
            return i + 1;
        }
        String value = variables.apply(name);
        if (value == null) {
            problems.add("variable " + name + " is not set in hapc's environment (HAProxy's may differ); read as empty");
            value = "";
        }
        word.append(value);
        return end;
    }

    private static boolean isName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        int start = name.charAt(0) == '.' ? 1 : 0;
        if (start >= name.length() || Character.isDigit(name.charAt(start))) {
            return false;
        }
        for (int k = start; k < name.length(); k++) {
            char c = name.charAt(k);
            if (!(c == '_' || c < 128 && Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }

    /** The words of a line and what could not be understood in it. */
    public record Tokens(List<String> words, List<String> problems) {
    }
}
