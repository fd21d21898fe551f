package hapc.cli;

import hapc.request.Action;
import hapc.request.Field;
import java.util.Optional;

/** Help text, generated from the same field and action tables that parse the command line. */
final class Help {
    private Help() {
    }

    static String text(String actionName) {
        StringBuilder help = new StringBuilder();
        Optional<Action> only = actionName == null ? Optional.empty() : Action.byName(actionName);
        help.append("usage: hapc ACTION [OPTIONS]\n       hapc --json-in FILE|- [OPTIONS]\n\n");
        help.append("Take HAProxy backend servers out of rotation and put them back. Answers one JSON object.\n\n");
        help.append("Actions:\n");
        for (Action action : Action.values()) {
            if (only.isPresent() && only.get() != action) {
                continue;
            }
            help.append(String.format("  %-22s", action.cliName()));
            for (Field field : Field.values()) {
                if (!field.common() && action.accepts(field)) {
                    boolean required = action.requiredFields().contains(field);
                    String option = "-" + (field.shortOption() != null ? field.shortOption() : "-" + field.longOption())
                            + (field.type() == Field.Type.FLAG ? "" : " " + argName(field));
                    help.append(required ? " " + option : " [" + option + "]");
                }
            }
            help.append('\n');
        }
        help.append("\nOptions:\n");
        for (Field field : Field.values()) {
            if (only.isEmpty() || only.get().accepts(field)) {
                String label = field.optionLabel() + (field.type() == Field.Type.FLAG ? "" : " " + argName(field));
                help.append(String.format("  %-30s %s%n", label, field.help()));
            }
        }
        help.append(String.format("  %-30s %s%n", "--json-in FILE|-", "the whole request as one JSON document"));
        help.append(String.format("  %-30s %s%n", "--text", "human-readable tables (never parse them)"));
        help.append(String.format("  %-30s %s%n", "-h/--help", "this help; 'hapc ACTION --help' for one action"));
        help.append(String.format("  %-30s %s%n", "--version", "the version"));
        help.append("""

                Exit status: 0 done, 1 operation failed, 2 invalid request or unknown backend/server,
                3 check-safe-to-remove answered "not safe".

                Examples:
                  hapc drain-server -b web -s web1 --wait --timeout 120
                  hapc check-safe-to-remove -b web -s web1 | jq .safe
                  echo '{"action":"enable-server","backend":"web","server":"web1"}' | hapc --json-in -
                """);
        return help.toString();
    }

    private static String argName(Field field) {
        return switch (field.type()) {
            case NAME -> "NAME";
            case SECONDS -> "SECONDS";
            default -> "PATH";
        };
    }
}
