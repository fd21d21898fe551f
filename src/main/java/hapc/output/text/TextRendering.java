package hapc.output.text;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An answer as text for a person: the message first (the one sentence that matters), then the
 * action's own view, then any field the view did not show, then the warnings. The same fields
 * as the JSON, laid out to be read, not parsed.
 */
public final class TextRendering {
    private TextRendering() {
    }

    public static void write(Map<String, ?> answer, PrintStream out) {
        TextDocument document = new TextDocument(answer);
        document.skip("action", "changed", "failed", "msg", "error", "warnings", "check_mode");
        out.println(Values.show(answer.get("msg")));
        if (answer.get("error") instanceof Map<?, ?> error) {
            out.println("Error: " + error.get("kind"));
        }
        if (Boolean.TRUE.equals(answer.get("check_mode"))) {
            out.println("Check mode: nothing was changed.");
        }
        section(out, view(answer.get("action")), document);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        GenericView.render(document.rest(), new PrintStream(rest, true, StandardCharsets.UTF_8));
        paragraph(out, rest);
        if (answer.get("warnings") instanceof java.util.Collection<?> warnings && !warnings.isEmpty()) {
            out.println();
            warnings.forEach(warning -> out.println("Warning: " + warning));
        }
    }

    private static void section(PrintStream out, TextView view, TextDocument document) {
        if (view == null) {
            return;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        view.render(document, new PrintStream(text, true, StandardCharsets.UTF_8));
        paragraph(out, text);
    }

    /** Prints a block after a blank line, and nothing at all when the block is empty. */
    private static void paragraph(PrintStream out, ByteArrayOutputStream block) {
        String text = block.toString(StandardCharsets.UTF_8).stripTrailing();
        if (!text.isEmpty()) {
            out.println();
            out.println(text);
        }
    }

    private static TextView view(Object action) {
        if (action == null) {
            return null;
        }
        return switch (action.toString()) {
            case "list-backends" -> new BackendListView();
            case "list-frontends" -> new FrontendListView();
            case "list-config-backends" -> new ConfigBackendListView();
            case "list-servers" -> new ServerListView();
            case "list-connections" -> new ConnectionsView();
            case "enable-server", "drain-server", "stop-server", "set-weight" -> new ServerChangeView();
            case "check-safe-to-remove" -> new SafeToRemoveView();
            case "reload-haproxy" -> new ReloadView();
            default -> null;
        };
    }
}
