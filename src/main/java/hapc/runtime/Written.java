package hapc.runtime;

import hapc.HapcException;
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
}
