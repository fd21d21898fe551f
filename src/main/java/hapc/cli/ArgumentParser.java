package hapc.cli;

import hapc.HapcException;
import hapc.request.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** Turns argv into {@link Arguments}. Options come from {@link OptionSpec}: Field and CliOption, defined once. */
public final class ArgumentParser {
    static final String JSON_IN = CliOption.JSON_IN.longOption();
    static final String OUTPUT = CliOption.OUTPUT.longOption();
    static final String TEXT = CliOption.TEXT.longOption();
    static final String HELP = CliOption.HELP.longOption();
    static final String VERSION = CliOption.VERSION.longOption();
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern WEIGHT = Pattern.compile("[0-9]{1,9}%?");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

    private ArgumentParser() {
    }

    /** The commons-cli view of {@link OptionSpec#all()}: nothing is declared here. */
    public static Options options() {
        Options options = new Options();
        for (OptionSpec spec : OptionSpec.all()) {
            Option.Builder option = Option.builder(spec.shortOption()).longOpt(spec.longOption()).desc(spec.help());
            if (spec.takesValue()) {
                option.hasArg().argName(spec.argName());
            }
            options.addOption(option.build());
        }
        return options;
    }

    public static Arguments parse(String[] argv) {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options(), argv, false);
        } catch (ParseException e) {
            throw HapcException.usage(e.getMessage());
        }
        refuseRepeats(line);
        Map<Field, Object> values = new EnumMap<>(Field.class);
        for (Field field : Field.values()) {
            if (line.hasOption(field.longOption())) {
                values.put(field, typed(field, line.getOptionValues(field.longOption())));
            }
        }
        List<String> words = line.getArgList();
        if (words.size() > 1) {
            throw HapcException.usage("one action expected, got " + words.size() + ": " + String.join(" ", words));
        }
        String action = words.isEmpty() ? null : words.get(0);
        return new Arguments(action, values, line.getOptionValue(JSON_IN), text(line),
                line.hasOption(HELP), line.hasOption(VERSION));
    }

    /** Whether the answer is wanted as text: --text or -o text; -o json is the default said aloud. */
    private static boolean text(CommandLine line) {
        String output = line.getOptionValue(OUTPUT);
        if (output != null && !CliOption.OUTPUT.choices().contains(output)) {
            throw HapcException.usage("-o/--output expects one of " + String.join(", ", CliOption.OUTPUT.choices())
                    + ", not '" + output + "'");
        }
        if (line.hasOption(TEXT) && "json".equals(output)) {
            throw HapcException.usage("--text and -o json contradict each other");
        }
        return line.hasOption(TEXT) || "text".equals(output);
    }

    /** An option given twice is almost always a mistake in a script; only --config and --server add up. */
    private static void refuseRepeats(CommandLine line) {
        List<String> seen = new ArrayList<>();
        for (Option option : line.getOptions()) {
            String name = option.getLongOpt();
            if (seen.contains(name) && !name.equals(Field.CONFIG.longOption())
                    && !name.equals(Field.SERVER.longOption())) {
                throw HapcException.usage("option --" + name + " given more than once");
            }
            seen.add(name);
        }
    }

    private static Object typed(Field field, String[] raw) {
        return switch (field.type()) {
            case FLAG -> Boolean.TRUE;
            case NAME, PATH, CHOICE, TEXT -> raw[0];
            case WEIGHT -> {
                // Strict: 50.5%, -1, 1e2 and the like are refused here; the range is Request's.
                if (!WEIGHT.matcher(raw[0]).matches()) {
                    throw HapcException.usage("--" + field.longOption() + " expects N (0 to 256) or N% (0% to 100%),"
                            + " not '" + raw[0] + "'");
                }
                yield raw[0].endsWith("%") ? raw[0] : (Object) Long.parseLong(raw[0]);
            }
            case PATHS, NAMES -> List.of(raw);
            case COUNT -> {
                if (!COUNT.matcher(raw[0]).matches()) {
                    throw HapcException.usage("--" + field.longOption() + " expects a whole number, not '" + raw[0]
                            + "'");
                }
                yield Long.parseLong(raw[0]);
            }
            case SECONDS -> {
                if (!SECONDS.matcher(raw[0]).matches()) {
                    throw HapcException.usage("--" + field.longOption() + " expects a number of seconds, not '"
                            + raw[0] + "'");
                }
                yield Double.parseDouble(raw[0]);
            }
        };
    }
}
