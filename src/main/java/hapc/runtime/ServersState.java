package hapc.runtime;

import hapc.model.AdminBits;
import hapc.model.AgentState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One worker's {@code show servers state}: the text exactly as HAProxy printed it (what a
 * server-state file must contain) and, per server, its admin bit set and its agent check.
 */
public record ServersState(String text, List<Entry> entries) {
    static ServersState parse(String text) {
        Table table = Table.spaced(text);
        boolean agents = table.has("srv_agent_state");
        List<Entry> entries = new ArrayList<>();
        for (String[] row : table.rows()) {
            if (InternalProxy.is(table.get(row, "be_name"))) {
                continue;
            }
            entries.add(new Entry(table.get(row, "be_name"), table.get(row, "srv_name"),
                    new AdminBits((int) table.number(row, "srv_admin_state")),
                    agents ? AgentState.fromBits((int) table.number(row, "srv_agent_state")) : AgentState.NONE));
        }
        return new ServersState(text, List.copyOf(entries));
    }

    public Optional<Entry> find(String backend, String server) {
        return entries.stream().filter(e -> e.backend().equals(backend) && e.server().equals(server)).findFirst();
    }

    /**
     * The text restricted to one backend, format line and header kept: the content of a
     * {@code load-server-state-from-file local} file.
     */
    public String textOf(String backend) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(" ");
            boolean meta = line.startsWith("#") || fields.length == 1;
            if (meta || fields.length > 1 && fields[1].equals(backend)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    public record Entry(String backend, String server, AdminBits admin, AgentState agent) {
    }
}
