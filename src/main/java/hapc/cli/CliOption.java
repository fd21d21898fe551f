package hapc.cli;

import java.util.List;

/**
 * The options that are not request fields: they say how to read the request or how to show
 * the answer, so they have no JSON name. With {@link hapc.request.Field} this is the whole
 * command line; the parser, the help, the man page and the completion all read these two
 * tables and nothing else.
 */
enum CliOption {
    JSON_IN(null, "json-in", "FILE|-", List.of(),
            "read the whole request as one JSON document from FILE, or from stdin for -"),
    OUTPUT("o", "output", "FORMAT", List.of("json", "text"),
            "json (the default and the contract) or text (aligned tables for people; never parse them)"),
    TEXT(null, "text", null, List.of(), "the same as -o text"),
    HELP("h", "help", null, List.of(), "this help; hapc ACTION --help for one action"),
    VERSION(null, "version", null, List.of(), "print the version and exit");

    private final String shortOption;
    private final String longOption;
    private final String argName;
    private final List<String> choices;
    private final String help;

    CliOption(String shortOption, String longOption, String argName, List<String> choices, String help) {
        this.shortOption = shortOption;
        this.longOption = longOption;
        this.argName = argName;
        this.choices = choices;
        this.help = help;
    }

    /** The one-letter option, or null. */
    String shortOption() {
        return shortOption;
    }

    String longOption() {
        return longOption;
    }

    /** What the option's value is called in help, or null for a flag. */
    String argName() {
        return argName;
    }

    /** The only values the option accepts, when it is a choice; empty otherwise. */
    List<String> choices() {
        return choices;
    }

    String help() {
        return help;
    }
}
