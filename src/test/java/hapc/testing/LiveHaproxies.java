package hapc.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real HAProxy instances of a test and the loopback backend server they forward to, all
 * stopped when the test is done. Per test, on an instance field:
 * {@code @RegisterExtension final LiveHaproxies live = new LiveHaproxies();} (HAProxy binaries
 * from {@code @MethodSource("hapc.testing.HaproxyVersions#all")}); shared by a whole class, on
 * a static field: {@code @RegisterExtension static final LiveHaproxies LIVE = LiveHaproxies.perClass();}.
 */
public final class LiveHaproxies implements AfterEachCallback, AfterAllCallback {
    private final BackendServer backend = new BackendServer();
    private final List<HaproxyProcess> started = new ArrayList<>();
    private final List<AgentServer> agents = new ArrayList<>();
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
        agents.add(agent);
        return agent;
    }

    /** @param proxies the sections after global and defaults */
    public HaproxyProcess start(String binary, String proxies) {
        return start(binary, "", proxies);
    }

    /** @param extraGlobal lines added to the global section (indented by the caller) */
    public HaproxyProcess start(String binary, String extraGlobal, String proxies) {
        HaproxyProcess haproxy = HaproxyProcess.start(binary, extraGlobal, proxies);
        started.add(haproxy);
        return haproxy;
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

    private void stopAll() {
        started.forEach(HaproxyProcess::close);
        agents.forEach(AgentServer::close);
        backend.close();
    }
}
