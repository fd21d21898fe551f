package hapc.cli;

import hapc.request.Action;
import hapc.request.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One command-line option as the parser, the help, the man page and the completion see it,
 * made from a request {@link Field} or a {@link CliOption}: the two tables stay the only
 * place where an option is defined.
 *
 * @param argName what the value is called in help (BACKEND, PATH, SECONDS...), null for a flag
 * @param value   what kind of value completes it
 */
record OptionSpec(String shortOption, String longOption, String argName, String help, Value value,
        List<String> choices, Field field) {

    /** The kind of value an option takes, which is what completion needs to know. */
    enum Value { NONE, BACKEND, SERVER, FRONTEND, FILE, SECONDS, CHOICE, OTHER }

    static OptionSpec of(Field field) {
        Value value = switch (field.type()) {
            case FLAG -> Value.NONE;
            case SECONDS -> Value.SECONDS;
            case COUNT, WEIGHT, TEXT -> Value.OTHER;
            case CHOICE -> Value.CHOICE;
            case NAMES -> Value.SERVER;
            case PATH, PATHS -> Value.FILE;
            case NAME -> switch (field) {
                case BACKEND -> Value.BACKEND;
                case SERVER -> Value.SERVER;
                case FRONTEND -> Value.FRONTEND;
                default -> Value.OTHER;
            };
        };
        String argName = switch (field.type()) {
            case FLAG -> null;
            case SECONDS -> "SECONDS";
            case COUNT -> "N";
            case WEIGHT -> "N|N%";
            case CHOICE -> String.join("|", field.choices()).toUpperCase(Locale.ROOT);
            case NAMES -> field.longOption().toUpperCase(Locale.ROOT);
            case PATH, PATHS -> field == Field.SOCKET ? "SOCKET" : "PATH";
            case NAME -> field.longOption().toUpperCase(Locale.ROOT);
            case TEXT -> field == Field.OWNER ? "NAME" : "TEXT";
        };
        return new OptionSpec(field.shortOption(), field.longOption(), argName, field.help(), value, field.choices(),
                field);
    }

    static OptionSpec of(CliOption option) {
        Value value = option.argName() == null ? Value.NONE
                : !option.choices().isEmpty() ? Value.CHOICE
                : option == CliOption.JSON_IN ? Value.FILE : Value.OTHER;
        return new OptionSpec(option.shortOption(), option.longOption(), option.argName(), option.help(), value,
                option.choices(), null);
    }

    /** Every option: the request fields in table order, then the others. */
    static List<OptionSpec> all() {
        List<OptionSpec> all = new ArrayList<>();
        for (Field field : Field.values()) {
            all.add(of(field));
        }
        for (CliOption option : CliOption.values()) {
            all.add(of(option));
        }
        return all;
    }

    /** The options an action accepts: its own fields first, then the common ones, then the others. */
    static List<OptionSpec> forAction(Action action) {
        List<OptionSpec> options = new ArrayList<>();
        for (Field field : Field.values()) {
            if (!field.common() && action.accepts(field)) {
                options.add(of(field));
            }
        }
        for (Field field : Field.values()) {
            if (field.common()) {
                options.add(of(field));
            }
        }
        for (CliOption option : CliOption.values()) {
            options.add(of(option));
        }
        return options;
    }

    boolean takesValue() {
        return argName != null;
    }

    /** "-b, --backend BACKEND" or "--json-in FILE|-". */
    String label() {
        return (shortOption == null ? "" : "-" + shortOption + ", ") + "--" + longOption
                + (argName == null ? "" : " " + argName);
    }

    /** The shortest spelling with its value, as in a synopsis: "-b BACKEND", "--haproxy-bin PATH". */
    String shortestForm() {
        return (shortOption == null ? "--" + longOption : "-" + shortOption) + (argName == null ? "" : " " + argName);
    }
}
