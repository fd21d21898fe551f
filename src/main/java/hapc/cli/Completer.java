package hapc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import hapc.request.Action;
import hapc.request.Field;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hidden {@code hapc --complete -- WORD...} helper behind completion/hapc.bash: given the
 * words typed after {@code hapc}, the last one being completed, it prints a first line saying
 * what to complete ({@code words} or {@code files}) and then the candidate words, one a line.
 *
 * <p>Why a helper inside hapc rather than a shell script that reads {@code --help} and parses
 * {@code list-servers} JSON: the options and actions come from the same tables as the parser,
 * so completion always matches the installed hapc; backend, server and frontend names come
 * from running the real actions in-process (with the -k, -c and --master-socket already typed),
 * so no JSON is parsed in bash and jq is not needed; and the logic is Java, tested directly.
 * A JVM start costs about 0.1 s per TAB. It never fails: anything wrong completes nothing.
 */
final class Completer {
    static final String FLAG = "--complete";
    static final String WORDS = "words";
    static final String FILES = "files";
    /** Completion must not hang a shell on an unreachable socket. */
    private static final String SOCKET_TIMEOUT_SECONDS = "2";
    /**
     * Without -b, server names come from every backend, one in-process list-servers each: cheap
     * on an HAProxy of a few dozen backends, too slow for a TAB on thousands (then none).
     */
    static final int SERVERS_OF_EVERY_BACKEND_LIMIT = 64;

    private final List<String> typed;
    private final String current;

    /** @param words the words after "hapc"; the last one is the word being completed (maybe empty) */
    Completer(List<String> words) {
        List<String> all = words.isEmpty() ? List.of("") : words;
        this.typed = all.subList(0, all.size() - 1);
        this.current = all.get(all.size() - 1);
    }

    /** The lines to print: the kind, then the candidates. */
    List<String> complete() {
        List<String> lines = new ArrayList<>();
        String previous = typed.isEmpty() ? "" : typed.get(typed.size() - 1);
        Optional<OptionSpec> valueOf = previous.contains("=") ? Optional.empty() : option(previous);
        if (valueOf.isPresent() && valueOf.get().takesValue()) {
            return values(valueOf.get(), "");
        }
        int equals = current.indexOf('=');
        if (current.startsWith("--") && equals > 0) {
            Optional<OptionSpec> option = option(current.substring(0, equals));
            if (option.isPresent() && option.get().takesValue()) {
                return values(option.get(), current.substring(0, equals + 1));
            }
            lines.add(WORDS);
            return lines;
        }
        lines.add(WORDS);
        Optional<Action> action = action();
        if (current.startsWith("-") || action.isPresent()) {
            for (OptionSpec option : action.map(OptionSpec::forAction).orElseGet(OptionSpec::all)) {
                String spelling = "--" + option.longOption();
                if (spelling.startsWith(current) && (repeatable(option) || !used(option))) {
                    lines.add(spelling);
                }
            }
        } else {
            for (Action each : Action.values()) {
                if (each.cliName().startsWith(current)) {
                    lines.add(each.cliName());
                }
            }
        }
        return lines;
    }

    private List<String> values(OptionSpec option, String prefix) {
        List<String> lines = new ArrayList<>();
        String partial = current.substring(prefix.length());
        if (option.value() == OptionSpec.Value.FILE) {
            lines.add(FILES);
            return lines;
        }
        lines.add(WORDS);
        List<String> candidates = switch (option.value()) {
            case CHOICE -> option.choices();
            case BACKEND -> names("backends", "list-backends");
            case FRONTEND -> names("frontends", "list-frontends");
            case SERVER -> servers();
            default -> List.of();
        };
        List<String> given = option.value() == OptionSpec.Value.SERVER ? valuesOf(Field.SERVER) : List.of();
        for (String candidate : candidates) {
            if (candidate.startsWith(partial) && !given.contains(candidate)) {
                lines.add(prefix + candidate);
            }
        }
        return lines;
    }

    /**
     * The servers of the backend typed, or without -b the distinct server names of every backend
     * (the action then acts on the server in each backend that has it), up to
     * {@link #SERVERS_OF_EVERY_BACKEND_LIMIT} backends.
     */
    private List<String> servers() {
        Optional<String> backend = valueOf(Field.BACKEND);
        if (backend.isPresent()) {
            return names("servers", "list-servers", "-b", backend.get());
        }
        List<String> backends = names("backends", "list-backends");
        if (backends.size() > SERVERS_OF_EVERY_BACKEND_LIMIT) {
            return List.of();
        }
        Set<String> servers = new LinkedHashSet<>();
        backends.forEach(each -> servers.addAll(names("servers", "list-servers", "-b", each)));
        return List.copyOf(servers);
    }

    /** Options that may be given more than once (several -s, several -c) stay on offer. */
    private static boolean repeatable(OptionSpec option) {
        return option.field() != null
                && (option.field().type() == Field.Type.NAMES || option.field().type() == Field.Type.PATHS);
    }

    /** Runs an action in-process, with the connection options already typed, and takes the names it lists. */
    private List<String> names(String listField, String... actionArgs) {
        List<String> args = new ArrayList<>(List.of(actionArgs));
        for (Field field : List.of(Field.SOCKET, Field.CONFIG, Field.MASTER_SOCKET, Field.SOCKET_TIMEOUT)) {
            for (String value : valuesOf(field)) {
                args.add("--" + field.longOption());
                args.add(value);
            }
        }
        if (valuesOf(Field.SOCKET_TIMEOUT).isEmpty()) {
            args.add("--" + Field.SOCKET_TIMEOUT.longOption());
            args.add(SOCKET_TIMEOUT_SECONDS);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8), nowhere,
                Terminal.NONE).run(args.toArray(String[]::new));
        return namesIn(out.toByteArray(), listField);
    }

    /** The "name" of each object in the answer's top-level list, read with the streaming parser (cheap per TAB). */
    static List<String> namesIn(byte[] answer, String listField) {
        List<String> names = new ArrayList<>();
        try (JsonParser json = new JsonFactory().createParser(answer)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return names;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals(listField) && value == JsonToken.START_ARRAY) {
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String key = json.currentName();
                            if (json.nextToken() == JsonToken.VALUE_STRING && key.equals("name")) {
                                names.add(json.getText());
                            } else {
                                json.skipChildren();
                            }
                        }
                    }
                    return names;
                }
                json.skipChildren();
            }
        } catch (IOException e) {
            return List.of();
        }
        return names;
    }

    /** The action word among the typed words: the first word that is neither an option nor an option's value. */
    private Optional<Action> action() {
        for (int i = 0; i < typed.size(); i++) {
            String word = typed.get(i);
            Optional<OptionSpec> option = option(word);
            if (option.isPresent()) {
                if (option.get().takesValue() && !word.contains("=")) {
                    i++;
                }
            } else if (!word.startsWith("-")) {
                return Action.byName(word);
            }
        }
        return Optional.empty();
    }

    private boolean used(OptionSpec option) {
        return typed.stream().anyMatch(word -> option(word).filter(option::equals).isPresent());
    }

    private Optional<String> valueOf(Field field) {
        List<String> values = valuesOf(field);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** The values typed for a field, as "-b X", "--backend X" or "--backend=X". */
    private List<String> valuesOf(Field field) {
        List<String> values = new ArrayList<>();
        String longForm = "--" + field.longOption();
        for (int i = 0; i < typed.size(); i++) {
            String word = typed.get(i);
            if (word.startsWith(longForm + "=")) {
                values.add(word.substring(longForm.length() + 1));
            } else if ((word.equals(longForm) || (field.shortOption() != null && word.equals("-" + field.shortOption())))
                    && i + 1 < typed.size()) {
                values.add(typed.get(++i));
            }
        }
        return values;
    }

    /** The option a word spells ("-b", "--backend", "--backend=web"), if any. */
    private static Optional<OptionSpec> option(String word) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        for (OptionSpec option : OptionSpec.all()) {
            if (name.equals("--" + option.longOption())
                    || (option.shortOption() != null && name.equals("-" + option.shortOption()))) {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }
}
