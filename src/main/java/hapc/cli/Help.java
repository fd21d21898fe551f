package hapc.cli;

import hapc.request.Action;
import hapc.request.Field;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code hapc --help} and {@code hapc ACTION --help}, generated from the option tables
 * ({@link OptionSpec}), the action table and its words ({@link ActionDocs}), the response
 * schemas ({@link AnswerFields}) and the error kinds ({@link ExitStatusDocs}): nothing an
 * option or an action is, is written twice.
 */
final class Help {
    private static final int ACTION_COLUMN = 44;
    static final List<String> EXAMPLES = List.of(
            "hapc list-servers -b web -d -o text",
            "hapc drain-server -b web -s web1 --wait --timeout 120",
            "hapc check-safe-to-remove -b web -s web1 | jq -r '.reasons[]'",
            "echo '{\"action\":\"enable-server\",\"backend\":\"web\",\"server\":\"web1\"}' |\n    hapc --json-in -");

    private Help() {
    }

    /** The overview, or one action's help when the name is an action (an unknown name gets the overview). */
    static String text(String actionName) {
        Optional<Action> action = actionName == null ? Optional.empty() : Action.byName(actionName);
        return action.map(Help::action).orElseGet(Help::overview);
    }

    static String overview() {
        StringBuilder help = new StringBuilder();
        help.append("usage: hapc ACTION [OPTIONS]\n       hapc --json-in FILE|- [OPTIONS]\n\n");
        help.append(Wrap.wrap("Takes HAProxy backend servers out of rotation and puts them back, through HAProxy's "
                + "admin socket. Answers with one JSON object on stdout (indented at a terminal); -o text shows "
                + "tables instead.", "", ""));
        help.append("\nActions (hapc ACTION --help for more):\n");
        for (Action action : Action.values()) {
            String synopsis = "  " + synopsis(action);
            if (synopsis.length() > Wrap.WIDTH) {
                // too long for one line even on its own: continued, indented, on the next
                help.append(Wrap.wrap(synopsis.strip(), "  ", "      ")).append(" ".repeat(ACTION_COLUMN));
            } else if (synopsis.length() + 2 > ACTION_COLUMN) {
                help.append(synopsis).append('\n').append(" ".repeat(ACTION_COLUMN));
            } else {
                help.append(String.format("%-" + ACTION_COLUMN + "s", synopsis));
            }
            help.append(ActionDocs.of(action).summary()).append('\n');
        }
        help.append("\nOptions:\n");
        options(help, OptionSpec.all());
        help.append('\n');
        exitStatus(help, null);
        help.append("\nExamples:\n");
        for (String example : EXAMPLES) {
            help.append("  ").append(example.replace("\n", "\n  ")).append('\n');
        }
        help.append("\nSee hapc(1) for the JSON contract and the socket setup.\n");
        return help.toString();
    }

    static String action(Action action) {
        ActionDocs docs = ActionDocs.of(action);
        StringBuilder help = new StringBuilder();
        help.append(Wrap.wrap(synopsis(action) + " [OPTIONS]", "usage: hapc ", "            ")).append('\n');
        help.append(Wrap.wrap(docs.description(), "", ""));
        List<OptionSpec> own = OptionSpec.forAction(action).stream().filter(o -> o.field() != null && !o.field().common())
                .toList();
        if (!own.isEmpty()) {
            help.append("\nOptions:\n");
            options(help, own);
        }
        help.append('\n');
        help.append(Wrap.wrap("Also: " + OptionSpec.forAction(action).stream()
                .filter(o -> o.field() == null || o.field().common())
                .map(OptionSpec::shortestForm).collect(Collectors.joining(", ")) + " (hapc --help).", "", "  "));
        help.append(Wrap.wrap("As JSON (--json-in): {\"action\":\"" + action.cliName() + "\"" + requiredJson(action)
                + "} plus any of " + optionalJson(action) + ".", "", "  "));
        help.append(Wrap.wrap("Answer: action, changed, failed, msg" + (action.mutates() ? ", check_mode" : "")
                + ", and " + String.join(", ", AnswerFields.of(action)) + "; error {kind, message} when failed.",
                "", "  "));
        help.append('\n');
        exitStatus(help, action);
        help.append("\nExamples:\n");
        for (ActionDocs.Example example : docs.examples()) {
            if (example.comment() != null) {
                help.append("  # ").append(example.comment()).append('\n');
            }
            help.append("  ").append(example.command().replace("\n", "\n  ")).append('\n');
        }
        return help.toString();
    }

    /** "drain-server -b BACKEND -s SERVER [-w] [-t SECONDS]": the action with its own options. */
    static String synopsis(Action action) {
        StringBuilder synopsis = new StringBuilder(action.cliName());
        for (Field field : Field.values()) {
            if (!field.common() && action.accepts(field)) {
                String form = OptionSpec.of(field).shortestForm();
                synopsis.append(action.requiredFields().contains(field) ? " " + form : " [" + form + "]");
            }
        }
        return synopsis.toString();
    }

    private static void options(StringBuilder help, List<OptionSpec> options) {
        int width = options.stream().mapToInt(o -> o.label().length()).max().orElse(0) + 4;
        for (OptionSpec option : options) {
            help.append(Wrap.wrap(option.help(), String.format("  %-" + (width - 2) + "s", option.label()),
                    " ".repeat(width)));
        }
    }

    /** @param action when given, only the statuses that action can end with */
    private static void exitStatus(StringBuilder help, Action action) {
        help.append("Exit status:\n");
        for (ExitStatusDocs status : action == null ? ExitStatusDocs.all() : ExitStatusDocs.of(action)) {
            help.append(Wrap.wrap(status.meaning(), "  " + status.status() + "  ", "     "));
        }
    }

    private static String requiredJson(Action action) {
        return action.requiredFields().stream().sorted()
                .map(f -> ",\"" + f.jsonName() + "\":" + (f.type() == Field.Type.NAME ? "\"...\"" : "..."))
                .collect(Collectors.joining());
    }

    private static String optionalJson(Action action) {
        return java.util.Arrays.stream(Field.values())
                .filter(f -> action.accepts(f) && !action.requiredFields().contains(f))
                .map(Field::jsonName)
                .collect(Collectors.joining(", "));
    }
}
