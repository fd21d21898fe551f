package hapc.config;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads config files into sections: tokenizes every line, follows {@code .if/.elif/.else/.endif}
 * blocks, and groups the lines that survive under their section. A condition hapc cannot
 * evaluate is read as false, and a warning says which lines were skipped on that guess; so is
 * every line that could not be understood.
 */
final class SectionReader {
    private final UnaryOperator<String> environment;
    private final Supplier<HaproxyBuild> build;
    /** Variables set (or unset: empty) by the global section's setenv and the like, in file order. */
    private final java.util.Map<String, Optional<String>> variables = new java.util.HashMap<>();
    /** After a resetenv, only the variables it kept and those set later exist. */
    private boolean environmentCleared;
    private final List<Section> sections = new ArrayList<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();

    private SectionKind kind;
    private String name;
    private String from;
    private Origin origin;
    private List<Directive> directives;

    private SectionReader(UnaryOperator<String> environment, Supplier<HaproxyBuild> build) {
        this.environment = environment;
        this.build = build;
    }

    /** @param files each with its text, in the order HAProxy loads them */
    static SectionReader read(List<Path> files, java.util.function.Function<Path, String> text,
            UnaryOperator<String> environment, Supplier<HaproxyBuild> build) {
        SectionReader reader = new SectionReader(environment, build);
        for (Path file : files) {
            reader.readFile(file, text.apply(file));
            // HAProxy starts every file outside any section: a section never spans two files.
            reader.closeSection();
        }
        return reader;
    }

    List<Section> sections() {
        return sections;
    }

    List<ConfigWarning> warnings() {
        return warnings;
    }

    private void readFile(Path file, String text) {
        Deque<Block> blocks = new ArrayDeque<>();
        String[] lines = text.split("\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int index = 0; index < count; index++) {
            Origin at = new Origin(file, index + 1);
            boolean active = blocks.isEmpty() || blocks.peek().active;
            Tokenizer.Tokens tokens = Tokenizer.split(lines[index], variable -> lookup(variable, at));
            List<String> words = tokens.words();
            if (words.isEmpty()) {
                if (active) {
                    tokens.problems().forEach(p -> warn(at, p));
                }
                continue;
            }
            String first = words.get(0);
            if (first.startsWith(".") && handleDirective(first, words, tokens, at, blocks)) {
                continue;
            }
            if (!active) {
                continue;
            }
            tokens.problems().forEach(p -> warn(at, p));
            line(words, at);
        }
        for (Block open : blocks) {
            warn(open.origin, "this .if has no .endif before the end of the file (HAProxy refuses this)");
        }
    }

    /** The pseudo-variables .FILE, .LINE and .SECTION, then the environment. */
    private String lookup(String variable, Origin at) {
        return switch (variable) {
            case ".FILE" -> at.file().toString();
            case ".LINE" -> String.valueOf(at.line());
            case ".SECTION" -> kind == null ? "" : name == null ? kind.keyword() : name;
            default -> lookupEnvironment(variable);
        };
    }

    /** Handles a line starting with a dot; returns false when it is not a preprocessor directive. */
    private boolean handleDirective(String first, List<String> words, Tokenizer.Tokens tokens, Origin at,
            Deque<Block> blocks) {
        boolean parentActive = blocks.isEmpty() || blocks.peek().active;
        List<String> args = words.subList(1, words.size());
        switch (first) {
            case ".if" -> {
                Block block = new Block(at, parentActive);
                if (parentActive) {
                    tokens.problems().forEach(p -> warn(at, p));
                    block.enter(test(".if", args, at));
                }
                blocks.push(block);
            }
            case ".elif" -> {
                Block block = blocks.peek();
                if (block == null || block.sawElse) {
                    warn(at, ".elif without a matching .if (HAProxy refuses this); ignored");
                } else if (block.parentActive && !block.taken) {
                    tokens.problems().forEach(p -> warn(at, p));
                    block.enter(test(".elif", args, at));
                } else {
                    block.active = false;
                }
            }
            case ".else" -> {
                Block block = blocks.peek();
                if (block == null || block.sawElse) {
                    warn(at, ".else without a matching .if (HAProxy refuses this); ignored");
                } else {
                    block.sawElse = true;
                    block.active = block.parentActive && !block.taken;
                    block.taken = true;
                }
            }
            case ".endif" -> {
                if (blocks.isEmpty()) {
                    warn(at, ".endif without a matching .if (HAProxy refuses this); ignored");
                } else {
                    blocks.pop();
                }
            }
            case ".alert" -> {
                if (parentActive) {
                    warn(at, "'.alert " + String.join(" ", args) + "' is active: HAProxy refuses to start with this"
                            + " config");
                }
            }
            case ".warning" -> {
                if (parentActive) {
                    warn(at, "the config's own warning: " + String.join(" ", args));
                }
            }
            case ".notice", ".diag" -> {
                // messages for HAProxy's own startup log; they change nothing in the config
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean test(String directive, List<String> args, Origin at) {
        Condition.Result result = Condition.evaluate(args, variable -> lookup(variable, at), build);
        if (result.truth() == Truth.UNKNOWN) {
            warn(at, directive + " " + String.join(" ", args) + ": " + String.join("; ", result.unknowns())
                    + "; hapc read the condition as false and skipped its lines, HAProxy may not");
        }
        return result.truth() == Truth.TRUE;
    }

    private void line(List<String> words, Origin at) {
        String first = words.get(0);
        Optional<SectionKind> section = SectionKind.byKeyword(first);
        if (section.isPresent()) {
            openSection(section.get(), words, at);
            return;
        }
        if (first.startsWith(".")) {
            warn(at, "unknown directive '" + first + "'; ignored");
            return;
        }
        if (kind == null) {
            warn(at, "'" + first + "' is outside any section; ignored");
            return;
        }
        if (kind == SectionKind.GLOBAL) {
            environmentChange(words);
        }
        directives.add(new Directive(List.copyOf(words), at));
    }

    /**
     * HAProxy runs the global section's setenv, presetenv, unsetenv and resetenv while it reads
     * the file, so every later line (and .if defined()) sees their effect: so must hapc.
     */
    private void environmentChange(List<String> words) {
        switch (words.get(0)) {
            case "setenv" -> {
                if (words.size() == 3) {
                    variables.put(words.get(1), Optional.of(words.get(2)));
                }
            }
            case "presetenv" -> {
                if (words.size() == 3 && lookupEnvironment(words.get(1)) == null) {
                    variables.put(words.get(1), Optional.of(words.get(2)));
                }
            }
            case "unsetenv" -> words.subList(1, words.size()).forEach(v -> variables.put(v, Optional.empty()));
            case "resetenv" -> {
                java.util.Map<String, Optional<String>> kept = new java.util.HashMap<>();
                for (String v : words.subList(1, words.size())) {
                    String value = lookupEnvironment(v);
                    kept.put(v, Optional.ofNullable(value));
                }
                variables.clear();
                variables.putAll(kept);
                environmentCleared = true;
            }
            default -> {
                // not an environment keyword
            }
        }
    }

    /** A variable as the config has left it so far: set or unset by the global section, else hapc's environment. */
    private String lookupEnvironment(String variable) {
        if (variables.containsKey(variable)) {
            return variables.get(variable).orElse(null);
        }
        return environmentCleared ? null : environment.apply(variable);
    }

    private void openSection(SectionKind newKind, List<String> words, Origin at) {
        closeSection();
        String newName = null;
        String newFrom = null;
        int next = 1;
        boolean named = words.size() > 1 && !(newKind == SectionKind.DEFAULTS && words.get(1).equals("from"));
        if (named && newKind != SectionKind.GLOBAL) {
            newName = words.get(1);
            next = 2;
        }
        if (newKind.takesFrom() && words.size() > next && words.get(next).equals("from")) {
            if (words.size() > next + 1) {
                newFrom = words.get(next + 1);
                next += 2;
            } else {
                warn(at, "'from' without the name of a defaults section");
                next += 1;
            }
        }
        if (newKind.needsName() && newName == null) {
            warn(at, "'" + newKind.keyword() + "' section without a name (HAProxy refuses this)");
        }
        if (words.size() > next) {
            warn(at, "unexpected words after the section name: " + String.join(" ", words.subList(next, words.size())));
        }
        kind = newKind;
        name = newName;
        from = newFrom;
        origin = at;
        directives = new ArrayList<>();
    }

    private void closeSection() {
        if (kind != null) {
            sections.add(new Section(kind, name, from, origin, List.copyOf(directives)));
        }
        kind = null;
        name = null;
        from = null;
        directives = null;
    }

    private void warn(Origin at, String message) {
        warnings.add(new ConfigWarning(at, message));
    }

    /** One .if level: whether its current branch is read, and whether a branch was already taken. */
    private static final class Block {
        final Origin origin;
        final boolean parentActive;
        boolean active;
        boolean taken;
        boolean sawElse;

        Block(Origin origin, boolean parentActive) {
            this.origin = origin;
            this.parentActive = parentActive;
        }

        void enter(boolean condition) {
            active = parentActive && condition;
            taken = taken || active;
        }
    }
}
