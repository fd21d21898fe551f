package hapc.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Evaluates the condition of a {@code .if} or {@code .elif} line, as HAProxy's section 2.4
 * defines it: the words (already tokenized and variable-expanded) joined with single spaces,
 * then {@code 0}, non-zero integers, predicates with arguments, parentheses, {@code !},
 * {@code &&} (binding tighter) and {@code ||}. {@code defined()}, {@code streq()},
 * {@code strneq()} and {@code strstr()} are evaluated on their words; {@code version_atleast()},
 * {@code version_before()}, {@code feature()}, {@code openssl_version_atleast()},
 * {@code openssl_version_before()} and {@code ssllib_name_startswith()} on what
 * {@code haproxy -vv} says about the binary concerned ({@link HaproxyBuild}, asked only when a
 * condition needs it). What depends on how HAProxy is started ({@code enabled()}) or on a
 * library hapc cannot identify is UNKNOWN, with the reason in {@link Result#unknowns()}.
 */
public final class Condition {
    private final String text;
    private final UnaryOperator<String> variables;
    private final Supplier<HaproxyBuild> build;
    private final List<String> unknowns = new ArrayList<>();
    private int pos;

    private Condition(String text, UnaryOperator<String> variables, Supplier<HaproxyBuild> build) {
        this.text = text;
        this.variables = variables;
        this.build = build;
    }

    /**
     * @param variables the environment hapc sees (null when a variable is not set)
     * @param build     what {@code haproxy -vv} says about the HAProxy binary, asked only when a
     *                  condition needs it; returns null when it is not known
     */
    public static Result evaluate(List<String> words, UnaryOperator<String> variables,
            Supplier<HaproxyBuild> build) {
        Condition condition = new Condition(String.join(" ", words), variables, build);
        if (condition.text.isBlank()) {
            return new Result(Truth.FALSE, List.of());
        }
        Truth truth;
        try {
            truth = condition.or();
            condition.skipSpaces();
            if (condition.pos < condition.text.length()) {
                throw new IllegalArgumentException("unexpected '" + condition.text.substring(condition.pos) + "'");
            }
        } catch (IllegalArgumentException e) {
            return new Result(Truth.UNKNOWN, List.of("cannot parse the condition '" + condition.text + "': "
                    + e.getMessage()));
        }
        return new Result(truth, List.copyOf(condition.unknowns));
    }

    private Truth or() {
        Truth value = and();
        while (consume("||")) {
            value = value.or(and());
        }
        return value;
    }

    private Truth and() {
        Truth value = unary();
        while (consume("&&")) {
            value = value.and(unary());
        }
        return value;
    }

    private Truth unary() {
        skipSpaces();
        if (consume("!")) {
            return unary().not();
        }
        if (consume("(")) {
            Truth inner = or();
            if (!consume(")")) {
                throw new IllegalArgumentException("missing ')'");
            }
            return inner;
        }
        return term();
    }

    private Truth term() {
        skipSpaces();
        int start = pos;
        while (pos < text.length() && "()!&| ".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("expected a term at position " + (start + 1));
        }
        if (pos < text.length() && text.charAt(pos) == '(') {
            int close = text.indexOf(')', pos);
            if (close < 0) {
                throw new IllegalArgumentException("missing ')' after " + name + "(");
            }
            String inside = text.substring(pos + 1, close);
            pos = close + 1;
            return predicate(name, inside.isEmpty() ? List.of() : List.of(inside.split(",", -1)));
        }
        try {
            return Truth.of(Long.parseLong(name) != 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' is neither a number nor a predicate");
        }
    }

    private Truth predicate(String name, List<String> args) {
        switch (name) {
            case "defined":
                requireArgs(name, args, 1);
                return Truth.of(variables.apply(args.get(0)) != null);
            case "streq":
                requireArgs(name, args, 2);
                return Truth.of(args.get(0).equals(args.get(1)));
            case "strneq":
                requireArgs(name, args, 2);
                return Truth.of(!args.get(0).equals(args.get(1)));
            case "strstr":
                requireArgs(name, args, 2);
                return Truth.of(args.get(0).contains(args.get(1)));
            case "version_atleast":
            case "version_before":
                requireArgs(name, args, 1);
                return versionTest(name, args.get(0));
            case "feature":
                requireArgs(name, args, 1);
                return featureTest(args.get(0));
            case "openssl_version_atleast":
            case "openssl_version_before":
                requireArgs(name, args, 1);
                return sslVersionTest(name, args.get(0));
            case "ssllib_name_startswith":
                requireArgs(name, args, 1);
                return sslNameTest(args.get(0));
            case "enabled":
                unknowns.add("enabled(" + String.join(",", args) + ") depends on the options HAProxy is started with"
                        + " and cannot be evaluated by hapc");
                return Truth.UNKNOWN;
            case "awslc_api_atleast":
            case "awslc_api_before":
                unknowns.add(name + "(" + String.join(",", args) + ") depends on how the HAProxy binary was built"
                        + " and cannot be evaluated by hapc");
                return Truth.UNKNOWN;
            default:
                unknowns.add("'" + name + "' is not a predicate hapc knows");
                return Truth.UNKNOWN;
        }
    }

    private Truth versionTest(String name, String wanted) {
        HaproxyVersion against = HaproxyVersion.parse(wanted);
        if (against == null) {
            unknowns.add(name + "(" + wanted + "): '" + wanted + "' is not a version");
            return Truth.UNKNOWN;
        }
        HaproxyBuild binary = build.get();
        HaproxyVersion current = binary == null ? null : binary.version();
        if (current == null) {
            unknowns.add(name + "(" + wanted + ") cannot be evaluated: the version of the HAProxy binary is not"
                    + " known (no haproxy on PATH, or it did not answer 'haproxy -vv')");
            return Truth.UNKNOWN;
        }
        boolean atLeast = current.compareTo(against) >= 0;
        return Truth.of(name.equals("version_atleast") == atLeast);
    }

    private Truth featureTest(String feature) {
        HaproxyBuild binary = build.get();
        if (binary == null || !binary.knowsFeatures()) {
            unknowns.add("feature(" + feature + ") cannot be evaluated: the feature list of the HAProxy binary is not"
                    + " known (no haproxy on PATH, or 'haproxy -vv' did not show one)");
            return Truth.UNKNOWN;
        }
        Truth truth = binary.feature(feature);
        if (truth == Truth.UNKNOWN) {
            unknowns.add("feature() needs the name of a feature");
        }
        return truth;
    }

    /**
     * HAProxy compares the argument, packed in the pre-3.0 layout, with the number of the
     * OpenSSL it was compiled against, packed in that library's own layout. For OpenSSL 3 the
     * two layouts differ, so HAProxy finds {@code openssl_version_atleast(3.0.1)} false on a
     * 3.0.19 build: hapc reproduces that, since the point is to read the config as HAProxy does.
     */
    private Truth sslVersionTest(String name, String wanted) {
        String call = name + "(" + wanted + ")";
        Long argument = HaproxyBuild.sslVersionArgument(wanted);
        if (argument == null) {
            unknowns.add(call + ": '" + wanted + "' is not a version HAProxy can read (MAJOR.MINOR.FIX); HAProxy"
                    + " refuses or crashes on this condition");
            return Truth.UNKNOWN;
        }
        HaproxyBuild binary = build.get();
        if (binary == null || !binary.knowsFeatures()) {
            unknowns.add(call + " cannot be evaluated: how the HAProxy binary was built is not known (no haproxy on"
                    + " PATH, or it did not answer 'haproxy -vv')");
            return Truth.UNKNOWN;
        }
        if (binary.feature("OPENSSL") != Truth.TRUE) {
            unknowns.add(call + ": the HAProxy binary was built without OpenSSL, so HAProxy refuses this condition");
            return Truth.UNKNOWN;
        }
        Long built = binary.builtSslNumber();
        if (built == null) {
            unknowns.add(call + ": the SSL library the HAProxy binary was built with ('" + binary.builtSsl()
                    + "') does not tell its version number");
            return Truth.UNKNOWN;
        }
        int order = Long.compare(argument, built);
        return Truth.of(name.equals("openssl_version_atleast") ? order <= 0 : order > 0);
    }

    /** Compares with the name of the library HAProxy runs on, not the one it was built with. */
    private Truth sslNameTest(String prefix) {
        HaproxyBuild binary = build.get();
        if (binary == null || !binary.knowsFeatures()) {
            unknowns.add("ssllib_name_startswith(" + prefix + ") cannot be evaluated: how the HAProxy binary was"
                    + " built is not known (no haproxy on PATH, or it did not answer 'haproxy -vv')");
            return Truth.UNKNOWN;
        }
        if (binary.feature("OPENSSL") != Truth.TRUE) {
            return Truth.FALSE;
        }
        if (binary.runningSsl() == null) {
            unknowns.add("ssllib_name_startswith(" + prefix + "): 'haproxy -vv' does not name the SSL library it runs"
                    + " on");
            return Truth.UNKNOWN;
        }
        return Truth.of(binary.runningSsl().startsWith(prefix));
    }

    private static void requireArgs(String name, List<String> args, int count) {
        if (args.size() != count) {
            throw new IllegalArgumentException(name + "() takes " + count + " argument" + (count == 1 ? "" : "s")
                    + ", not " + args.size());
        }
    }

    private boolean consume(String token) {
        skipSpaces();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    /** The value, and why it is UNKNOWN when it is. */
    public record Result(Truth truth, List<String> unknowns) {
    }
}
