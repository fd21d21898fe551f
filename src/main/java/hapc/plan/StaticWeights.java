package hapc.plan;

import hapc.HapcException;
import hapc.model.Server;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A backend balanced by a static algorithm ({@code static-rr}, {@code first}, and the hashing
 * ones with {@code hash-type map-based}, HAProxy's default for them) takes no weight but 0 and
 * the configured one at run time: HAProxy refuses any other {@code set weight}. A ramp or an
 * intermediate weight there is refused before anything is sent, so a server is never left back
 * in rotation at full weight by a ramp that then fails at its second step.
 */
public final class StaticWeights {
    /** What {@code show stat}'s {@code algo} says for the hashing algorithms (see hash-type). */
    private static final Set<String> HASHING = Set.of("source", "uri", "url_param", "hdr", "rdp-cookie", "hash");

    private StaticWeights() {
    }

    /**
     * @param ramp       whether the call ramps the weight up
     * @param algorithms each backend's algorithm, asked only for the backends concerned
     * @param hashType   each backend's configured hash-type (null: not set, or the config unreadable)
     */
    public static void check(ChangePlan plan, boolean ramp, Function<Set<String>, Map<String, String>> algorithms,
            Function<String, String> hashType) {
        Set<String> concerned = new LinkedHashSet<>();
        for (PlannedChange change : plan.changes()) {
            Server before = change.before();
            int wanted = change.expected().weight();
            if (ramp || (wanted != before.weight() && wanted != 0 && wanted != before.initialWeight())) {
                concerned.add(before.backend());
            }
        }
        if (concerned.isEmpty()) {
            return;
        }
        Map<String, String> algorithm = algorithms.apply(concerned);
        Map<String, String> refused = new LinkedHashMap<>();
        for (String backend : concerned) {
            String algo = algorithm.get(backend);
            if (algo == null) {
                continue;
            }
            if (algo.equals("static-rr") || algo.equals("first")) {
                refused.put(backend, "balance " + algo);
            } else if (HASHING.contains(algo)) {
                String type = hashType.apply(backend);
                if (type == null || !type.startsWith("consistent")) {
                    refused.put(backend, "balance " + algo + " with hash-type map-based"
                            + (type == null ? " (HAProxy's default)" : ""));
                }
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        List<String> each = refused.entrySet().stream().map(e -> "backend '" + e.getKey() + "' uses " + e.getValue())
                .toList();
        throw HapcException.invalid(String.join("; ", each) + ", a static algorithm: HAProxy takes no weight"
                + " there but 0 and the configured one, so " + (ramp ? "--ramp" : "an intermediate weight")
                + " cannot be applied; nothing was sent. Enable without --ramp or --weight (or set 0 or 100%).");
    }
}
