package hapc.host;

import java.time.Duration;
import java.util.List;

/**
 * {@code systemctl reload haproxy}: the way left when no master CLI is reachable. Its success
 * only says the signal was sent; whether a new worker took over must be checked separately.
 */
public final class Systemctl {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private final String program;

    /** @param program the systemctl to run (tests give a stand-in) */
    public Systemctl(String program) {
        this.program = program;
    }

    public CommandRun reload(String unit) {
        return CommandRun.run(List.of(program, "reload", unit), LIMIT);
    }
}
