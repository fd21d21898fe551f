package hapc.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * haproxy.cfg as hapc understands it: the frontends and backends HAProxy will run, the global
 * settings hapc needs, and a warning for everything it could not understand or evaluate.
 *
 * @param serverStateFile {@code server-state-file} of the global section as written, or null
 * @param serverStateBase {@code server-state-base} of the global section, or null
 */
public record HaproxyConfig(
        List<Path> files,
        List<Frontend> frontends,
        List<ConfigBackend> backends,
        List<StatsSocket> statsSockets,
        String serverStateFile,
        String serverStateBase,
        List<ConfigWarning> warnings) {

    /**
     * Reads the files in the order given (see {@link ConfigFiles#expand}).
     *
     * @param environment the variables {@code "${VAR}"} and {@code defined()} see (null: unset)
     * @param build       what {@code haproxy -vv} says about the binary, for {@code version_atleast()},
     *                    {@code feature()} and the like; asked at most once, only if a condition
     *                    needs it; null when not known
     */
    public static HaproxyConfig read(List<Path> files, UnaryOperator<String> environment,
            Supplier<HaproxyBuild> build) {
        return parse(files, ConfigFiles::read, environment, build);
    }

    /** As {@link #read}, with the text of each file given (tests, and files already read). */
    public static HaproxyConfig parse(List<Path> files, Function<Path, String> text, UnaryOperator<String> environment,
            Supplier<HaproxyBuild> build) {
        SectionReader sections = SectionReader.read(files, text, environment, memoize(build));
        return new ProxyBuilder(new ArrayList<>(sections.warnings())).build(files, sections.sections());
    }

    public Optional<Frontend> frontend(String name) {
        return frontends.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public Optional<ConfigBackend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The first {@code stats socket} with {@code level admin}: the one that can change states. */
    public Optional<StatsSocket> adminSocket() {
        return statsSockets.stream().filter(StatsSocket::isAdmin).findFirst();
    }

    /** The frontend and listen sections that can route to a backend, in config order. */
    public List<String> frontendsRoutingTo(String backend) {
        return frontends.stream().filter(f -> f.staticTargets().contains(backend)).map(Frontend::name).toList();
    }

    /** Where HAProxy will look for saved server states when it starts, per this config. */
    public StateFiles stateFiles() {
        return StateFiles.of(this);
    }

    private static Supplier<HaproxyBuild> memoize(Supplier<HaproxyBuild> build) {
        Object[] cache = new Object[1];
        boolean[] asked = {false};
        return () -> {
            if (!asked[0]) {
                asked[0] = true;
                cache[0] = build.get();
            }
            return (HaproxyBuild) cache[0];
        };
    }
}
