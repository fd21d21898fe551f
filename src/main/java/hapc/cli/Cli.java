package hapc.cli;

import hapc.wait.Interruption;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.action.ActionHandler;
import hapc.action.CheckSafeToRemove;
import hapc.action.Context;
import hapc.action.DrainServer;
import hapc.action.EnableServer;
import hapc.action.ListBackends;
import hapc.action.ListConfigBackends;
import hapc.action.ListConnections;
import hapc.action.ListFrontends;
import hapc.action.ListServers;
import hapc.action.ReloadHaproxy;
import hapc.action.ServerStateChange;
import hapc.output.JsonWriter;
import hapc.output.Outcome;
import hapc.output.TextWriter;
import hapc.request.Action;
import hapc.request.JsonRequestReader;
import hapc.request.Request;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The whole command line as a function: arguments and streams in, exit status out. Nothing
 * else in hapc prints the answer or decides the exit status, and nothing calls System.exit.
 */
public final class Cli {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;
    private final Interruption interruption;

    /** @param terminal which of stdout and stderr a person is watching (pretty JSON, drain progress) */
    public Cli(InputStream in, PrintStream out, PrintStream err, Terminal terminal) {
        this(in, out, err, terminal, new Interruption());
    }

    /** @param interruption what Ctrl-C sets (see {@link hapc.Main}): waits and ramps then answer early */
    public Cli(InputStream in, PrintStream out, PrintStream err, Terminal terminal, Interruption interruption) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.interruption = interruption;
    }

    /** @param terminal whether a person watches both stdout and stderr */
    public Cli(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this(in, out, err, new Terminal(terminal, terminal));
    }

    public int run(String... argv) {
        if (argv.length > 0 && argv[0].equals(Completer.FLAG)) {
            return complete(argv);
        }
        WaitProgressPrinter progress = null;
        Action action = null;
        boolean checkMode = false;
        boolean text = false;
        boolean verbose = false;
        Context context = null;
        Outcome outcome;
        try {
            Arguments arguments = ArgumentParser.parse(argv);
            text = arguments.text();
            verbose = arguments.values().containsKey(hapc.request.Field.VERBOSE);
            if (arguments.help()) {
                out.print(Help.text(arguments.actionName()));
                return 0;
            }
            if (arguments.version()) {
                out.println("hapc " + version());
                return 0;
            }
            action = arguments.actionName() == null ? null : Action.byName(arguments.actionName()).orElse(null);
            Request request;
            if (arguments.jsonIn() != null) {
                JsonRequestReader reader = new JsonRequestReader();
                JsonRequestReader.Document document = reader.document(
                        JsonRequestReader.slurp(arguments.jsonIn(), in), arguments.actionName(), arguments.values());
                action = document.action();
                checkMode = document.checkMode();
                request = reader.request(document);
            } else {
                request = toRequest(arguments);
            }
            action = request.action();
            checkMode = request.checkMode();
            verbose = request.verbose();
            if (terminal.stderr() && !verbose) {
                // With -v the trace goes to stderr line by line; a rewritten line would garble it.
                progress = new WaitProgressPrinter(err);
            }
            WaitProgressPrinter printer = progress;
            context = new Context(request, verbose ? line -> err.println("hapc: " + line) : line -> { }, interruption,
                    printer == null ? line -> { } : printer::line);
            outcome = handler(request, progress).run(context);
        } catch (HapcException e) {
            outcome = Outcome.failure(action, e);
            if (verbose && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
        } catch (RuntimeException e) {
            outcome = Outcome.failure(action, new HapcException(ErrorKind.HAPROXY,
                    "internal error, a bug in hapc (please report it): " + e));
            if (verbose) {
                e.printStackTrace(err);
            }
        }
        if (progress != null) {
            progress.finish();
        }
        if (context != null) {
            // What was noticed on the way matters most when the call failed.
            context.warnings().forEach(outcome::warn);
        }
        if (action != null && action.mutates()) {
            outcome.put("check_mode", checkMode);
        }
        if (text) {
            TextWriter.write(outcome.fields(), out);
        } else {
            JsonWriter.write(outcome.fields(), out, terminal.stdout());
        }
        out.flush();
        return outcome.exitStatus();
    }

    /** Package-private for the parser's property tests: the request an argument list makes. */
    Request toRequest(Arguments arguments) {
        if (arguments.jsonIn() != null) {
            byte[] document = JsonRequestReader.slurp(arguments.jsonIn(), in);
            return new JsonRequestReader().read(document, arguments.actionName(), arguments.values());
        }
        if (arguments.actionName() == null) {
            throw HapcException.usage("no action given; try 'hapc --help'");
        }
        Action action = Action.byName(arguments.actionName()).orElseThrow(() -> HapcException.usage(
                "unknown action '" + arguments.actionName() + "'; try 'hapc --help'"));
        return Request.of(action, arguments.values());
    }

    /** {@code --complete -- WORD...}: see {@link Completer}. Always exit 0: a shell completion must not complain. */
    private int complete(String[] argv) {
        int first = argv.length > 1 && argv[1].equals("--") ? 2 : 1;
        try {
            new Completer(List.of(argv).subList(first, argv.length)).complete().forEach(out::println);
        } catch (RuntimeException e) {
            // nothing to offer
        }
        out.flush();
        return 0;
    }

    private ActionHandler handler(Request request, WaitProgressPrinter progress) {
        return switch (request.action()) {
            case LIST_BACKENDS -> new ListBackends();
            case LIST_SERVERS -> new ListServers();
            case LIST_CONNECTIONS -> new ListConnections();
            case ENABLE_SERVER -> progress != null ? new EnableServer(progress::up, progress::ramp, interruption)
                    : new EnableServer(p -> { }, p -> { }, interruption);
            case DRAIN_SERVER -> new DrainServer(progress != null ? progress : p -> { }, interruption);
            case STOP_SERVER -> ServerStateChange.stop();
            case SET_WEIGHT -> ServerStateChange.setWeight(request.weight());
            case CHECK_SAFE_TO_REMOVE -> new CheckSafeToRemove();
            case LIST_FRONTENDS -> new ListFrontends();
            case LIST_CONFIG_BACKENDS -> new ListConfigBackends();
            case RELOAD_HAPROXY -> new ReloadHaproxy();
        };
    }

    /** The project version, written into the jar by the build (hapc/version.properties, filtered by Maven). */
    static String version() {
        try (InputStream props = Cli.class.getResourceAsStream("/hapc/version.properties")) {
            if (props != null) {
                java.util.Properties properties = new java.util.Properties();
                properties.load(props);
                String version = properties.getProperty("version", "");
                if (!version.isEmpty() && !version.startsWith("$")) {
                    return version;
                }
            }
        } catch (java.io.IOException e) {
            // fall through to the manifest
        }
        String version = Cli.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
