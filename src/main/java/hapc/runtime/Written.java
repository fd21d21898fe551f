package hapc.runtime;

import hapc.HapcException;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of each command of a write sent over one or more exchanges (CLI lines).
 *
 * @param fates     per command, in the order given: applied, refused, failed or not attempted
 * @param refusals  per command, HAProxy's refusal when refused, else null
 * @param broken    the failure of the exchange that broke, or null when every line was answered;
 *                  nothing was sent after it
 * @param exchanges how many lines the write was packed into
 * @param brokenAt  which of them broke, counted from 1; 0 when none did
 */
public record Written(List<WriteFate> fates, List<String> refusals, HapcException broken, int exchanges,
        int brokenAt) {

    /** One command as sent, what became of it, and HAProxy's refusal when refused (else null). */
    public record Sent(String command, WriteFate fate, String refusal) {
    }

    /**
     * The commands back in the groups the write was given (one per target, in order), each with
     * its fate: what the callers go through, instead of each counting its way along the flat lists.
     */
    public List<List<Sent>> byGroup(List<List<String>> groups) {
        List<List<Sent>> byGroup = new ArrayList<>(groups.size());
        int i = 0;
        for (List<String> group : groups) {
            List<Sent> sent = new ArrayList<>(group.size());
            for (String command : group) {
                sent.add(new Sent(command, fates.get(i), refusals.get(i)));
                i++;
            }
            byGroup.add(sent);
        }
        return byGroup;
    }
}
