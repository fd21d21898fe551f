package hapc.output.text;

import java.io.PrintStream;

/** How one action's answer reads as text, below its message. It shows only the fields present. */
interface TextView {
    void render(TextDocument answer, PrintStream out);
}
