package hapc.action;

import hapc.runtime.LiveServers.WorkerLoad;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the per-worker breakdown of a server's load is shown in answers and messages. */
final class WorkerLoads {
    private WorkerLoads() {
    }

    static List<Map<String, Object>> toJson(List<WorkerLoad> loads) {
        return loads.stream().map(load -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("pid", load.pid());
            json.put("role", load.old() ? "old" : "current");
            json.put("sessions", load.load().sessions());
            json.put("queued", load.load().queued());
            return json;
        }).toList();
    }

    /** "3 in the current worker, 1 in old worker 1234", for the workers that hold any. */
    static String where(List<WorkerLoad> loads, boolean queue) {
        StringBuilder text = new StringBuilder();
        for (WorkerLoad load : loads) {
            long count = queue ? load.load().queued() : load.load().sessions();
            if (count == 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(count).append(load.old() ? " in old worker " + load.pid() : " in the current worker");
        }
        return text.toString();
    }
}
