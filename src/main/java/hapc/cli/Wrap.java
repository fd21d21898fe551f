package hapc.cli;

/** Word wrapping for help text: terminals are assumed to be 80 columns wide. */
final class Wrap {
    static final int WIDTH = 80;

    private Wrap() {
    }

    /**
     * @param first prefix of the first line (its length is the column the text starts at)
     * @param rest  prefix of the following lines
     */
    static String wrap(String text, String first, String rest) {
        StringBuilder out = new StringBuilder(first);
        int column = first.length();
        boolean lineEmpty = true;
        for (String word : text.split(" +")) {
            if (!lineEmpty && column + 1 + word.length() > WIDTH) {
                out.append('\n').append(rest);
                column = rest.length();
                lineEmpty = true;
            }
            if (!lineEmpty) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            lineEmpty = false;
        }
        return out.append('\n').toString();
    }
}
