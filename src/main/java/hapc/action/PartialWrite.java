package hapc.action;

import hapc.HapcException;
import hapc.plan.ChangePlan;
import hapc.plan.PlannedChange;
import hapc.plan.TargetList;
import hapc.runtime.WriteFate;
import hapc.runtime.Written;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The words of an answer whose write broke part-way through its exchanges, or whose read-back
 * failed after HAProxy had taken it: per target what became of its write, and one sentence
 * counting them, so that "failed" never reads as "nothing happened".
 */
final class PartialWrite {
    private PartialWrite() {
    }

    /** A failed or not-attempted target's own error, or null for the others. */
    static String targetError(WriteFate fate, Written written) {
        return switch (fate) {
            case FAILED -> "the exchange that carried its write (" + exchange(written) + ") broke off (error.message"
                    + " says how): HAProxy may or may not have taken it";
            case NOT_ATTEMPTED -> "never sent: the write stopped at " + exchange(written) + ", which broke off"
                    + " (error.message says how); hapc sends nothing after a broken exchange";
            default -> null;
        };
    }

    /** "exchange 2 of 3 (CLI lines)", or "the only one". */
    private static String exchange(Written written) {
        return written.exchanges() == 1 ? "the write's only exchange"
                : "exchange " + written.brokenAt() + " of " + written.exchanges() + " (CLI lines)";
    }

    /** Why the call failed, counting the targets by what became of their write; null when nothing broke. */
    static String summary(ChangePlan plan, ChangePlan.Applied applied) {
        HapcException broken = applied.broken();
        HapcException readBack = applied.readBackFailure();
        if (broken == null && readBack == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (broken != null) {
            Written written = applied.written();
            Map<WriteFate, List<String>> byFate = new EnumMap<>(WriteFate.class);
            for (PlannedChange change : plan.changes()) {
                byFate.computeIfAbsent(applied.write(change), f -> new ArrayList<>()).add(change.id());
            }
            List<String> counted = new ArrayList<>();
            byFate.forEach((fate, ids) -> counted.add(fate.jsonName() + " " + ids.size() + " ("
                    + TargetList.shortened(ids, ", ") + ")"));
            parts.add("The write broke off in " + exchange(written) + ": " + broken.getMessage()
                    + ". Nothing was sent after it; per target (write): " + String.join("; ", counted));
        }
        if (readBack != null) {
            parts.add("Reading the targets back after the write failed (" + readBack.getMessage() + "): after is"
                    + " what HAProxy took as planned for an applied target and the state read before for the"
                    + " others, not read back; HAProxy may be reloading (a new worker without a server-state file"
                    + " starts every server from the config): check with hapc list-servers -d");
        } else {
            parts.add("after is as read back");
        }
        return String.join(". ", parts) + ".";
    }
}
