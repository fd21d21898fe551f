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

/** Turns argv into {@link Arguments}. Options are generated from {@link Field}, defined once. */
public final class ArgumentParser {
    static final String JSON_IN = "json-in";
    static final String TEXT = "text";
    static final String HELP = "help";
    static final String VERSION = "version";
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

    private ArgumentParser() {
    }

    public static Options options() {
        Options options = new Options();
        for (Field field : Field.values()) {
            Option.Builder option = Option.builder(field.shortOption()).longOpt(field.longOption()).desc(field.help());
            if (field.type() != Field.Type.FLAG) {
                option.hasArg().argName(field.type() == Field.Type.SECONDS ? "SECONDS"
                        : field.type() == Field.Type.NAME ? "NAME" : "PATH");
            }
            options.addOption(option.build());
        }
        options.addOption(Option.builder().longOpt(JSON_IN).hasArg().argName("FILE|-")
                .desc("read the whole request as one JSON document from FILE or stdin").build());
        options.addOption(Option.builder().longOpt(TEXT).desc("human-readable tables instead of JSON (never parse them)").build());
        options.addOption(Option.builder("h").longOpt(HELP).desc("show help").build());
        options.addOption(Option.builder().longOpt(VERSION).desc("show the version").build());
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
        return new Arguments(action, values, line.getOptionValue(JSON_IN), line.hasOption(TEXT),
                line.hasOption(HELP), line.hasOption(VERSION));
    }

    /** An option given twice is almost always a mistake in a script; only --config adds up. */
    private static void refuseRepeats(CommandLine line) {
        List<String> seen = new ArrayList<>();
        for (Option option : line.getOptions()) {
            String name = option.getLongOpt();
            if (seen.contains(name) && !name.equals(Field.CONFIG.longOption())) {
                throw HapcException.usage("option --" + name + " given more than once");
            }
            seen.add(name);
        }
    }

    private static Object typed(Field field, String[] raw) {
        return switch (field.type()) {
            case FLAG -> Boolean.TRUE;
            case NAME, PATH -> raw[0];
            case PATHS -> List.of(raw);
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
