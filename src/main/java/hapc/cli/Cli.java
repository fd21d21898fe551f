package hapc.cli;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.action.ActionHandler;
import hapc.action.CheckSafeToRemove;
import hapc.action.Context;
import hapc.action.DrainServer;
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
import java.util.function.Consumer;

/**
 * The whole command line as a function: arguments and streams in, exit status out. Nothing
 * else in hapc prints the answer or decides the exit status, and nothing calls System.exit.
 */
public final class Cli {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    /** @param terminal whether a person is watching (pretty JSON, progress on stderr) */
    public Cli(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public int run(String... argv) {
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
            Request request = toRequest(arguments);
            action = request.action();
            checkMode = request.checkMode();
            verbose = request.verbose();
            context = new Context(request, verbose ? line -> err.println("hapc: " + line) : line -> { });
            outcome = handler(request).run(context);
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
            JsonWriter.write(outcome.fields(), out, terminal);
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

    private ActionHandler handler(Request request) {
        return switch (request.action()) {
            case LIST_BACKENDS -> new ListBackends();
            case LIST_SERVERS -> new ListServers();
            case LIST_CONNECTIONS -> new ListConnections();
            case ENABLE_SERVER -> ServerStateChange.enable();
            case DRAIN_SERVER -> new DrainServer(terminal ? new WaitProgressPrinter(err) : p -> { });
            case STOP_SERVER -> ServerStateChange.stop();
            case CHECK_SAFE_TO_REMOVE -> new CheckSafeToRemove();
            case LIST_FRONTENDS -> new ListFrontends();
            case LIST_CONFIG_BACKENDS -> new ListConfigBackends();
            case RELOAD_HAPROXY -> new ReloadHaproxy();
        };
    }

    static String version() {
        String version = Cli.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** Progress of a drain wait on stderr, on one rewritten line. */
    private record WaitProgressPrinter(PrintStream err) implements Consumer<DrainServer.WaitProgress> {
        @Override
        public void accept(DrainServer.WaitProgress p) {
            err.printf(java.util.Locale.ROOT, "\rhapc: waiting for %s: %d session%s, %d queued, %.1f s of %.0f s ",
                    p.server(), p.left().sessions(), p.left().sessions() == 1 ? "" : "s", p.left().queued(),
                    p.waited(), p.timeout());
            if (p.left().idle()) {
                err.println();
            }
            err.flush();
        }
    }
}
