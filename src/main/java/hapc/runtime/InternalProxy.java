package hapc.runtime;

import hapc.request.Names;

/**
 * A proxy HAProxy makes for itself, never a backend to act on: {@code MASTER} (the master CLI's
 * proxy, which 2.2 to 2.4 workers list in {@code show backend}, {@code show stat} and {@code show
 * servers state}, with servers {@code cur-1}, {@code old-<pid>}), and from 2.5 names a
 * configuration cannot use, such as {@code <HTTPCLIENT>} or {@code <OCSP-UPDATE>}.
 *
 * <p>A configuration may also name a backend {@code MASTER}; before 2.5 its rows cannot be told
 * apart from HAProxy's own, so that name is treated as internal on every version (listings and
 * searches without {@code -b} leave it out) rather than risk acting on the master's proxy.
 */
public final class InternalProxy {
    private InternalProxy() {
    }

    /**
     * Whether HAProxy made this proxy: MASTER, or a name with a character a configuration cannot
     * use (HAProxy's invalid_char(): only letters, digits, '-', '_', '.', ':'). Checked by a loop,
     * not a regular expression: a whole state dump of 10,000 backends asks it 100,000 times.
     */
    public static boolean is(String name) {
        return name.equals("MASTER") || !Names.hasOnlyNameCharacters(name);
    }
}
