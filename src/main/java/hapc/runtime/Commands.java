package hapc.runtime;

import hapc.model.AdminState;
import hapc.request.Names;

/**
 * The write commands hapc sends, one method each. Every name is checked against HAProxy's
 * allow-list here, where the command line is built, even though requests were checked when
 * read: a name that reaches a command unchecked is an injection into HAProxy's CLI.
 */
public final class Commands {
    private Commands() {
    }

    public static String setState(String backend, String server, AdminState state) {
        return "set server " + id(backend, server) + " state " + state.haproxyWord();
    }

    public static String shutdownSessions(String backend, String server) {
        return "shutdown sessions server " + id(backend, server);
    }

    public static String setWeight(String backend, String server, int weight) {
        return "set weight " + id(backend, server) + " " + weight;
    }

    public static String disableAgent(String backend, String server) {
        return "disable agent " + id(backend, server);
    }

    public static String enableAgent(String backend, String server) {
        return "enable agent " + id(backend, server);
    }

    /** "backend/server", both names checked. */
    public static String id(String backend, String server) {
        return Names.require("backend", backend) + "/" + Names.require("server", server);
    }
}
