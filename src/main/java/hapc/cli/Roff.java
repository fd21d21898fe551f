package hapc.cli;

/**
 * Writing man(7) source: text escaped so that groff prints exactly the characters given.
 * Hyphens become \- and quotes \(aq and \(ga, because groff otherwise turns them into
 * typographic hyphens and quotes, and an option or a jq filter copied from the page would no
 * longer work.
 */
final class Roff {
    private final StringBuilder out = new StringBuilder();

    /** A request line such as ".SH NAME" (arguments already escaped). */
    Roff macro(String line) {
        out.append(line).append('\n');
        return this;
    }

    /** Running text, escaped; may hold several lines. */
    Roff text(String text) {
        for (String line : text.split("\n", -1)) {
            out.append(line(line)).append('\n');
        }
        return this;
    }

    /** Text that is already roff (escaped pieces joined with font changes). */
    Roff raw(String roff) {
        out.append(roff).append('\n');
        return this;
    }

    /** Lines shown as they are (no filling), indented, as a paragraph of their own: commands, config snippets. */
    Roff verbatim(String lines) {
        macro(".PP").macro(".RS 4").macro(".nf");
        text(lines.stripTrailing());
        return macro(".fi").macro(".RE").macro(".PP");
    }

    /** Lines shown as they are, inside an indented list item (after .IP), at the item's indent. */
    Roff example(String lines) {
        macro(".nf");
        text(lines.stripTrailing());
        return macro(".fi");
    }

    static String bold(String text) {
        return "\\fB" + escape(text) + "\\fR";
    }

    static String italic(String text) {
        return "\\fI" + escape(text) + "\\fR";
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> escaped.append("\\e");
                case '-' -> escaped.append("\\-");
                case '\'' -> escaped.append("\\(aq");
                case '`' -> escaped.append("\\(ga");
                case '"' -> escaped.append("\\(dq");
                case '~' -> escaped.append("\\(ti");
                case '^' -> escaped.append("\\(ha");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** A line of text: escaped, and guarded so that a leading dot or quote is not read as a request. */
    private static String line(String text) {
        String escaped = escape(text);
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
