package hapc.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A test's HAProxy with a {@link RecordingRelay} in front of its admin socket and one in front of
 * its master CLI, and hapc pointed at both ({@link #args}): whatever hapc sends, on either socket,
 * is on record for the test to assert on. Get it from {@link LiveHaproxies#relayed}.
 */
public final class RelayedHaproxy {
    private final HaproxyProcess haproxy;
    private final RecordingRelay admin;
    private final RecordingRelay master;

    RelayedHaproxy(HaproxyProcess haproxy, RecordingRelay admin, RecordingRelay master) {
        this.haproxy = haproxy;
        this.admin = admin;
        this.master = master;
    }

    public HaproxyProcess haproxy() {
        return haproxy;
    }

    /** What crossed the admin socket. */
    public RecordingRelay admin() {
        return admin;
    }

    /** What crossed the master CLI. */
    public RecordingRelay master() {
        return master;
    }

    /** {@code -k} and {@code --master-socket} through the relays, then {@code rest}. */
    public String[] args(String... rest) {
        List<String> all = new ArrayList<>(List.of("-k", admin.path().toString(),
                "--master-socket", master.path().toString()));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** Every command that can change HAProxy, sent on either socket: admin socket first, then master CLI. */
    public List<String> changes() {
        List<String> all = new ArrayList<>(admin.changes());
        all.addAll(master.changes());
        return all;
    }

    /** The writes sent that start with {@code prefix} (e.g. "set weight web/app1"). */
    public List<String> changesStartingWith(String prefix) {
        return changes().stream().filter(c -> c.replaceFirst("^@!?\\d*\\s+", "").startsWith(prefix)).toList();
    }

    /** Forgets what both relays recorded so far. */
    public void clear() {
        admin.clear();
        master.clear();
    }
}
