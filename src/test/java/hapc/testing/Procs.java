package hapc.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tests' own reading of the master CLI's {@code show proc}, independent of hapc's parser. */
public final class Procs {
    private Procs() {
    }

    /** @param kind "master", "workers" or "old workers" */
    public static List<Integer> pids(Path masterSocket, String kind) {
        List<Integer> pids = new ArrayList<>();
        String section = "master";
        for (String line : RawSocket.ask(masterSocket, "show proc").split("\n")) {
            if (line.startsWith("# ")) {
                section = line.substring(2).trim();
            } else if (!line.isBlank() && !line.startsWith("#") && section.equals(kind)) {
                pids.add(Integer.parseInt(line.trim().split("\\s+")[0]));
            }
        }
        return pids;
    }

    public static int currentWorker(Path masterSocket) {
        List<Integer> workers = pids(masterSocket, "workers");
        if (workers.size() != 1) {
            throw new AssertionError("expected one current worker, show proc lists " + workers);
        }
        return workers.get(0);
    }

    /**
     * The master line's reload counter and failed count: {reloads, failed}. Before 2.5 a
     * {@code <relative PID>} column comes before the reloads, and there is no failed count (-1).
     */
    public static int[] masterCounters(Path masterSocket) {
        boolean relativePid = false;
        for (String line : RawSocket.ask(masterSocket, "show proc").split("\n")) {
            relativePid = relativePid || line.startsWith("#<") && line.contains("<relative PID>");
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].equals("master")) {
                int failed = line.contains("[failed:") ? Integer.parseInt(line.replaceAll(".*\\[failed:\\s*(\\d+)\\].*",
                        "$1")) : -1;
                return new int[] {Integer.parseInt(f[relativePid ? 3 : 2]), failed};
            }
        }
        throw new AssertionError("no master line in show proc");
    }

    /** {@code show info}'s Pid on the admin socket: which worker answers there. */
    public static int adminPid(Path adminSocket) {
        return RawSocket.ask(adminSocket, "show info").lines().filter(l -> l.startsWith("Pid:"))
                .map(l -> Integer.parseInt(l.substring(4).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no Pid in show info"));
    }
}
