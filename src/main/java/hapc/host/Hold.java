package hapc.host;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A maintenance hold: who took a server out of rotation with --owner, why, when (UTC, ISO
 * 8601) and with which action. While a server has holds, only their owners (or --force) put
 * it back.
 *
 * @param reason null when none was given
 */
public record Hold(String owner, String reason, String since, String action) {

    /** "alice (disk swap, since 2026-12-05T14:00:00Z)", for messages and warnings. */
    public String describe() {
        return owner + " (" + (reason == null ? "no reason given" : reason) + ", since " + since + ")";
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("owner", owner);
        json.put("reason", reason);
        json.put("since", since);
        json.put("action", action);
        return json;
    }
}
