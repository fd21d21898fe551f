package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hapc.HapcException;
import hapc.request.Action;
import hapc.request.Field;
import hapc.request.Request;
import hapc.testing.HapcRun;
import hapc.testing.RequestInvariants;
import hapc.testing.Split;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated argument lists thrown at the command line. The invariant: either the arguments
 * make a valid request (whose names pass the allow-list and whose paths and durations are
 * sane), or hapc answers exit 2 with one JSON object, and no exception ever escapes. Valid
 * requests are not executed: this is about the parser, and a generated valid request could
 * point anywhere. {@code --help}, {@code --version} and {@code --text} are left out of the
 * vocabulary: they print text, not JSON, by design. Half the lists are built like real calls
 * (an action, its required options, a few extras, then some noise), so that valid requests are
 * common and the invariant is tested on both sides.
 */
class ArgumentListPropertyTest {
    private static final int TRIES = 1500;
    private static final Split SPLIT = new Split("ArgumentListPropertyTest");

    /**
     * The split the generator gives. Half the lists are random tokens, which almost never make
     * a valid call (an action and its required options, in the right order of option and
     * value). The realistic half: no noise 3/4 of the time, both names good 0.8 x 0.8, and at
     * most two extra fields, any of which may not suit the action or carry a bad duration:
     * at least 0.5 x 3/4 x 0.64 x 1/3 (no extra) = 8 % valid, at most that half (runs: 14-16 %).
     * Bounds 5-50 %: the lower one is more than 8 standard deviations (about 0.9 % at 1,500
     * tries) below what runs give.
     */
    @AfterContainer
    static void theSplitIsTheGeneratorsOwn() {
        SPLIT.assertValidShareBetween(TRIES, 0.05, 0.50);
    }

    @Property(tries = TRIES)
    void anArgumentListIsAValidRequestOrExit2(@ForAll("argumentLists") List<String> argv) {
        String[] args = argv.toArray(new String[0]);
        Request request;
        try {
            Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()), false);
            request = cli.toRequest(ArgumentParser.parse(args));
        } catch (HapcException refused) {
            assertEquals(2, refused.kind().exitStatus(), refused.kind() + ": " + refused.getMessage());
            SPLIT.refused();
            RequestInvariants.assertRefusedAnswer(HapcRun.run(args));
            return;
        }
        SPLIT.valid();
        RequestInvariants.assertSane(request);
    }

    @Provide
    Arbitrary<List<String>> argumentLists() {
        List<String> actions = new ArrayList<>();
        for (Action action : Action.values()) {
            actions.add(action.cliName());
        }
        actions.addAll(List.of("drain", "DRAIN-SERVER", "", "-", "--", "list-servers ", "enable-server\n"));

        List<String> options = new ArrayList<>();
        for (Field field : Field.values()) {
            options.add("--" + field.longOption());
            if (field.shortOption() != null) {
                options.add("-" + field.shortOption());
            }
        }
        options.addAll(List.of("--json-in", "--frobnicate", "-x", "--back", "--backend=web", "-bweb",
                "-vC", "-ww", "--server=", "---backend", "-"));

        List<String> values = List.of("web", "web-1", "s1", "a.b:c_d", "web;set server web/s1 state maint",
                "a b", "x\ny", "", "wéb", "web\0", "../etc/passwd", "$(id)", "0", "1", "-1", "1.5", "1e3", "NaN",
                "99999999999", "604800", "604801", "/tmp/hapc-no-such.sock", "ipv4@127.0.0.1:1", "ipv6@[::1]:99999",
                "ipv4@host", "/nonexistent/haproxy.cfg", "-", "/dev/null", "w".repeat(300));

        Arbitrary<String> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(actions)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of(options)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of(values)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
        Arbitrary<List<String>> random = token.list().ofMinSize(0).ofMaxSize(10);
        return Arbitraries.oneOf(random, realistic(token));
    }

    /** An action, its required options with mostly good values, optional extras and a little noise. */
    private static Arbitrary<List<String>> realistic(Arbitrary<String> noise) {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of("web", "web-1", "s1", "api.v2:8080", "be_1")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("", "a;b", "a b", "a/b", "a\nb", "é")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
        Arbitrary<String> seconds = Arbitraries.of("0", "0.5", "1", "30", "604800", "-1", "x", "1e2", "604801");
        return Arbitraries.lazy(() -> net.jqwik.api.Combinators.combine(
                Arbitraries.of(Action.values()),
                name.list().ofSize(2),
                seconds,
                Arbitraries.of(Field.values()).set().ofMaxSize(2),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(List.<String>of())),
                        net.jqwik.api.Tuple.of(1, noise.list().ofMaxSize(2))),
                Arbitraries.of(true, false)).as((action, names, time, extras, tail, actionFirst) -> {
                    List<String> argv = new ArrayList<>();
                    int n = 0;
                    for (Field field : extras) {
                        argv.add(field.shortOption() != null ? "-" + field.shortOption() : "--" + field.longOption());
                        switch (field.type()) {
                            case FLAG -> { }
                            case SECONDS -> argv.add(time);
                            case NAME -> argv.add(names.get(n++ % 2));
                            default -> argv.add("/tmp/hapc-property-" + field.longOption());
                        }
                    }
                    for (Field field : action.requiredFields()) {
                        if (!extras.contains(field)) {
                            argv.add("--" + field.longOption());
                            argv.add(names.get(n++ % 2));
                        }
                    }
                    argv.add(actionFirst ? 0 : argv.size(), action.cliName());
                    argv.addAll(tail);
                    return argv;
                }));
    }
}
