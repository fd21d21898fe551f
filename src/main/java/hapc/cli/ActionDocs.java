package hapc.cli;

import hapc.request.Action;
import java.util.List;

/**
 * What each action is for, in words, for the help and the man page. Which options an action
 * takes is NOT here: that comes from {@link Action} and {@link hapc.request.Field}. The switch
 * is exhaustive, so a new action does not compile until it is described.
 *
 * @param summary     one line, lower case, no full stop: the overview's column
 * @param description what it does and what to expect, in sentences
 * @param examples    command lines that work as written (with a demo HAProxy's names); a
 *                    long one continues on an indented line after a pipe or &&
 */
record ActionDocs(String summary, String description, List<Example> examples) {

    /** @param comment what the example shows, or null */
    record Example(String command, String comment) {
    }

    static ActionDocs of(Action action) {
        return switch (action) {
            case LIST_BACKENDS -> new ActionDocs(
                    "backends of the running HAProxy",
                    "Lists the backends (and listen sections) of the running HAProxy, asked through the admin socket. "
                            + "With --links, each backend also lists the frontends that route to it, read from haproxy.cfg, "
                            + "and the answer says where the running HAProxy and the config disagree.",
                    List.of(new Example("hapc list-backends | jq -r '.backends[].name'", "one name per line"),
                            new Example("hapc list-backends --links --text", null)));
            case LIST_FRONTENDS -> new ActionDocs(
                    "frontends of haproxy.cfg",
                    "Lists the frontends and listen sections of haproxy.cfg with their binds, mode and the backends "
                            + "they route to (default_backend and use_backend), with the file and line of each.",
                    List.of(new Example("hapc list-frontends -c /etc/haproxy/haproxy.cfg --text", null)));
            case LIST_CONFIG_BACKENDS -> new ActionDocs(
                    "backends and servers of haproxy.cfg",
                    "Lists the backends and listen sections of haproxy.cfg with their servers (name, address, port). "
                            + "With --frontend, only the backends that frontend routes to. Reads the configuration, "
                            + "not the running HAProxy.",
                    List.of(new Example("hapc list-config-backends -f www |\n    jq -r '.backends[].servers[].name'", null)));
            case LIST_SERVERS -> new ActionDocs(
                    "servers of a backend (-d: state)",
                    "Lists the servers of a backend of the running HAProxy. With --details, each server comes with "
                            + "its admin state (ready, drain, maint), operational state, HAProxy's status text, weight, "
                            + "address, port, current sessions and queue.",
                    List.of(new Example("hapc list-servers -b web -d --text", "a table of states, sessions and weights"),
                            new Example("hapc list-servers -b web -d |\n    jq -r '.servers[] | select(.admin_state != \"ready\") | .name'",
                                    "the servers out of rotation")));
            case LIST_CONNECTIONS -> new ActionDocs(
                    "sessions and queue of one server",
                    "Shows a server's current sessions (scur: TCP sessions count) and queued requests, summed over "
                            + "the current worker and the old workers still alive after a reload (seen through the "
                            + "master CLI), with the figures of each worker. sessions and queued are the totals of "
                            + "the targets; the one target's backend, server and workers are at the top only when "
                            + "-b and one -s are given.",
                    List.of(new Example("hapc list-connections -b web -s web1 | jq .sessions", null),
                            new Example("hapc list-connections -s web1 |\n    jq -c '.targets[] | {backend, sessions}'",
                                    "web1 in every backend that has it")));
            case ENABLE_SERVER -> new ActionDocs(
                    "back in rotation (state ready)",
                    "Sends set server BACKEND/SERVER state ready, unless the server is already ready: then nothing "
                            + "is sent and changed is false. A paused agent check is resumed (enable agent) once the "
                            + "server is ready, unless --keep-agent. The answer has the server before and after, and "
                            + "their diff. "
                            + "--weight sets a weight in the same exchange. With --wait, hapc then polls until HAProxy "
                            + "says the server is up (its health check passed rise times; a server without check is up "
                            + "at once), or until --timeout (default 60 s): on the deadline it fails with exit status 1, "
                            + "the server stays enabled and the message gives its check status. With --ramp SECONDS "
                            + "the server comes back at a small share of its configured weight, which climbs in steps "
                            + "(at least one a second) to exactly the configured weight; with --wait the climb starts "
                            + "once the server is up, and the default deadline is 60 s plus the ramp. A deadline, a "
                            + "failure or Ctrl-C during the ramp leaves the server enabled at its last weight, and the "
                            + "answer's after and a warning say which. A server already in rotation at its configured "
                            + "weight is not ramped. A server a reload removed from the running HAProxy during the wait "
                            + "or the ramp stops it: exit status 1, kind conflict, named in vanished, the steps sent in "
                            + "ramp. At a terminal, the wait and the ramp show their progress on stderr.",
                    List.of(new Example("hapc enable-server -b web -s web1", null),
                            new Example("hapc enable-server -b web -s web1 --wait --ramp 30",
                                    "up first, then 30 s from a small share to full weight"),
                            new Example("hapc enable-server -b web -s web1 --check | jq .changed",
                                    "would anything change?")));
            case DRAIN_SERVER -> new ActionDocs(
                    "no new traffic (state drain)",
                    "Sends set server BACKEND/SERVER state drain: the server takes no new connections and keeps the "
                            + "ones it has. With --wait, hapc then polls until the server has no session and nothing "
                            + "queued in any worker, or until --timeout seconds (default 60) have passed; on the "
                            + "deadline it fails with exit status 1 and the server stays drained, unless --on-timeout "
                            + "stop: then the servers still busy are stopped (maint, their sessions killed in every "
                            + "worker) and the call succeeds with escalated true, sessions_killed true and "
                            + "sessions_killed_count; each target says what it waited for and had left. "
                            + "At a terminal, the wait shows its progress on stderr. A running agent check is paused "
                            + "first (disable agent), or its next \"ready\" would undo the drain; --keep-agent leaves it "
                            + "running and warns. The wait goes on across a reload: HAProxy unreachable while its "
                            + "master process lives is polled again (up to 10 s, never past the deadline); with the "
                            + "master process gone, or after 1 s when hapc cannot see it (no master CLI on this host), "
                            + "the wait fails at once. A new worker that lost the drain (no server-state file) is "
                            + "drained again, with a warning naming both workers, and the old worker's sessions are "
                            + "still counted. A server put back in state ready without a reload (another client, an "
                            + "agent) ends the wait within one poll: exit status 1, kind conflict; hapc does not fight "
                            + "it. A server a reload removed from the running HAProxy (drain, remove it from the "
                            + "config, reload, wait) is out of rotation for good: its sessions are still counted in the "
                            + "old workers until they end, the answer names it in vanished and a warning, and "
                            + "--on-timeout stop kills them there; without a master CLI the wait stops (kind conflict).",
                    List.of(new Example("hapc drain-server -b web -s web1 --wait --timeout 120", null),
                            new Example("hapc drain-server -s web1 -s web2 --wait --text",
                                    "both, in every backend that has them; one deadline"),
                            new Example("hapc drain-server -s web1 --min-up 2 --check",
                                    "exit 1 (capacity) if a backend would keep < 2 servers up"),
                            new Example("hapc drain-server -b web -s web1 -w &&\n    hapc check-safe-to-remove -b web -s web1",
                                    "drain, then make sure"),
                            new Example("hapc drain-server -b web -s web1 --wait -t 300 --on-timeout stop",
                                    "five minutes for the sessions, then cut the rest")));
            case STOP_SERVER -> new ActionDocs(
                    "out now, sessions killed (maint)",
                    "Sends set server BACKEND/SERVER state maint, then shutdown sessions server BACKEND/SERVER: "
                            + "existing sessions are killed. A running agent check is paused first, unless "
                            + "--keep-agent. Prefer drain-server --wait when the clients matter.",
                    List.of(new Example("hapc stop-server -b web -s web1 --check --text", "what would happen")));
            case SET_WEIGHT -> new ActionDocs(
                    "change a server's weight",
                    "Sends set weight BACKEND/SERVER N, unless the server already has that weight (srv_uweight, "
                            + "what get weight shows): then nothing is sent and changed is false. --weight is a whole "
                            + "number from 0 to 256, or N% (0% to 100%) of the weight the config gives the server "
                            + "(srv_iweight), computed as HAProxy does, rounded down. The admin state is left as it is. "
                            + "Weight 0 takes a server out of rotation, which --min-up counts. The answer has the "
                            + "server before and after (weight and initial_weight) and their diff.",
                    List.of(new Example("hapc set-weight -b web -s web1 --weight 50%", "half its configured weight"),
                            new Example("hapc set-weight -s web1 --weight 0 --min-up 2 --check",
                                    "out of rotation in every backend, if two others stay")));
            case CHECK_SAFE_TO_REMOVE -> new ActionDocs(
                    "drained and idle in every worker?",
                    "Answers safe when the server takes no new traffic (drain or maint) and has no session and "
                            + "nothing queued in any worker, old ones included. When it is not safe, reasons says "
                            + "why and the exit status is 3; this is an answer, not a failure.",
                    List.of(new Example("hapc check-safe-to-remove -b web -s web1 | jq -r '.reasons[]'", null),
                            new Example("until hapc check-safe-to-remove -b web -s web1 >/dev/null\ndo sleep 5; done",
                                    "exit status 3 means not yet")));
            case RELOAD_HAPROXY -> new ActionDocs(
                    "validate, reload, keep states",
                    "Validates the configuration with haproxy -c (an invalid one stops here), remembers every "
                            + "server's run-time state (drain, maint), reloads through the master CLI (systemctl "
                            + "reload haproxy when there is none), checks that a new worker took over, and puts back "
                            + "the states the reload lost. The answer says what was validated and how, and the "
                            + "workers before and after. --check validates and reports, changing nothing. The "
                            + "server-state file is written by rename, and only over a regular file: a fifo, device, "
                            + "socket or directory at its path is refused (kind config, nothing reloaded); a symlink "
                            + "is followed and stays a link.",
                    List.of(new Example("hapc reload-haproxy --check", "validate only"),
                            new Example("hapc reload-haproxy --text", null)));
        };
    }
}
