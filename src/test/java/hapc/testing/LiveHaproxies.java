package hapc.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real HAProxy instances of a test and the loopback backend server they forward to, all
 * stopped when the test (or, per class, the class) is done, failed or not.
 *
 * <p>How to write a test against a real HAProxy (the one harness, in hapc.testing):
 * <ol>
 * <li><b>Every version.</b> Take the binary as a parameter:
 * {@code @ParameterizedTest @MethodSource("hapc.testing.HaproxyVersions#all") void t(String binary)}
 * (with cases of its own: {@code HaproxyVersions.crossed(cases)} and {@code name = "{0}: {1}"}).
 * The version lands in the test's name and scripts/test counts the tests run per version. A test
 * for one version only says so in its name.</li>
 * <li><b>Its HAProxy.</b> Per test: {@code @RegisterExtension final LiveHaproxies live = new LiveHaproxies();}
 * then {@code live.start(binary, proxies)}. One per class and version (costly set-ups, many
 * cases): {@code @RegisterExtension static final LiveHaproxies LIVE = LiveHaproxies.perClass();}
 * then {@code LIVE.perVersion(binary, b -> LIVE.start(b, proxies))}, started on first use.</li>
 * <li><b>What was sent.</b> Point hapc at a {@link RecordingRelay} in front of the admin socket
 * ({@code relay = live.relay(haproxy.adminSocket())}, then {@code haproxy.hapcArgsThrough(relay, ...)})
 * and assert on the command lines that crossed it: nothing sent, the expected write once, only
 * reads in check mode. {@link RelayCountsWritesTest} is the control: every kind of write counts.</li>
 * <li><b>HAProxy's state</b> through {@link RawSocket} / {@link ServerStates}, never hapc's answer alone.</li>
 * <li><b>The answer</b> comes from {@link HapcRun} (in-process) or {@link HapcProcess} (a real
 * JVM): both insist on exactly one JSON object, nothing after it, valid against the action's
 * response schema ({@link HapcRun#strict}).</li>
 * </ol>
 * Every test has a default timeout (src/test/resources/junit-platform.properties).
 */
public final class LiveHaproxies implements AfterEachCallback, AfterAllCallback {
    private final BackendServer backend = new BackendServer();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Object> perVersion = new LinkedHashMap<>();
    private final boolean perClass;

    public LiveHaproxies() {
        this(false);
    }

    private LiveHaproxies(boolean perClass) {
        this.perClass = perClass;
    }

    /** Instances that live until every test of the class has run. */
    public static LiveHaproxies perClass() {
        return new LiveHaproxies(true);
    }

    public BackendServer backend() {
        return backend;
    }

    /** An agent-check agent answering this word, stopped with the rest. */
    public AgentServer agent(String word) {
        AgentServer agent = new AgentServer(word);
        started.add(agent);
        return agent;
    }

    /** @param proxies the sections after global and defaults */
    public HaproxyProcess start(String binary, String proxies) {
        return start(binary, "", proxies);
    }

    /** @param extraGlobal lines added to the global section (indented by the caller) */
    public synchronized HaproxyProcess start(String binary, String extraGlobal, String proxies) {
        HaproxyProcess haproxy = HaproxyProcess.start(binary, extraGlobal, proxies);
        started.add(haproxy);
        return haproxy;
    }

    /** As {@link #start(String, String)}, in a pid namespace of its own (see {@link HaproxyProcess#startInPidNamespace}). */
    public synchronized HaproxyProcess startInPidNamespace(String binary, String proxies) {
        HaproxyProcess haproxy = HaproxyProcess.startInPidNamespace(binary, proxies);
        started.add(haproxy);
        return haproxy;
    }

    /**
     * What {@code setUp} made for this binary, made on the first call (the class's set-up of
     * one version) and kept until the extension stops everything.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T> T perVersion(String binary, Function<String, T> setUp) {
        return (T) perVersion.computeIfAbsent(binary, setUp);
    }

    /** A recording relay in front of a socket, closed with the rest. */
    public synchronized RecordingRelay relay(java.nio.file.Path target) {
        RecordingRelay relay = RecordingRelay.to(target);
        started.add(relay);
        return relay;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stopAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            stopAll();
        }
    }

    private synchronized void stopAll() {
        for (AutoCloseable one : started) {
            try {
                one.close();
            } catch (Exception e) {
                // keep stopping the others
            }
        }
        started.clear();
        perVersion.clear();
        backend.close();
    }
}
