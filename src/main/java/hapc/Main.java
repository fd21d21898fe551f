package hapc;

import hapc.cli.Cli;
import hapc.cli.Terminal;

/** Entry point: everything happens in {@link Cli#run}, which tests drive with their own streams. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new Cli(System.in, System.out, System.err, Terminal.detect()).run(args));
    }
}
