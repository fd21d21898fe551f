package hapc.cli;

import hapc.ErrorKind;
import hapc.output.Outcome;
import hapc.request.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * The exit statuses, for the help and the man page. Which error kinds lead to which status is
 * read from {@link ErrorKind}, the table that decides it at run time.
 *
 * @param kinds the error kinds that end with this status (empty for 0 and 3)
 */
record ExitStatusDocs(int status, String meaning, List<String> kinds) {

    static List<ExitStatusDocs> all() {
        return List.of(
                new ExitStatusDocs(Outcome.OK, "done (in check mode: would be done)", List.of()),
                new ExitStatusDocs(1, "the operation failed: socket unreachable, permission, timeout, HAProxy refused, reload failed, drain wait expired", kindsWith(1)),
                new ExitStatusDocs(2, "invalid request: usage, schema violation, illegal name, unknown backend or server; nothing was sent", kindsWith(2)),
                new ExitStatusDocs(Outcome.NOT_SAFE, "check-safe-to-remove answered \"not safe\"", List.of()));
    }

    /** The statuses one action can end with: "not safe" belongs to check-safe-to-remove alone. */
    static List<ExitStatusDocs> of(Action action) {
        return all().stream()
                .filter(s -> s.status() != Outcome.NOT_SAFE || action == Action.CHECK_SAFE_TO_REMOVE)
                .toList();
    }

    private static List<String> kindsWith(int status) {
        List<String> kinds = new ArrayList<>();
        for (ErrorKind kind : ErrorKind.values()) {
            if (kind.exitStatus() == status) {
                kinds.add(kind.jsonName());
            }
        }
        return kinds;
    }
}
