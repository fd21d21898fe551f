package hapc.output;

import hapc.output.text.TextRendering;
import java.io.PrintStream;
import java.util.Map;

/**
 * The answer for people at a terminal (--text, -o text): aligned tables, one view per action
 * (see {@link TextRendering}). JSON stays the contract; never parse this.
 */
public final class TextWriter {
    private TextWriter() {
    }

    public static void write(Map<String, ?> document, PrintStream out) {
        TextRendering.write(document, out);
    }
}
