package hapc.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real HAProxy instances of one test and the loopback backend server they forward to,
 * all stopped after the test. Register it on an instance field:
 * {@code @RegisterExtension final LiveHaproxies live = new LiveHaproxies();} and take the
 * HAProxy binaries from {@code @MethodSource("hapc.testing.HaproxyVersions#all")}.
 */
public final class LiveHaproxies implements AfterEachCallback {
    private final BackendServer backend = new BackendServer();
    private final List<HaproxyProcess> started = new ArrayList<>();

    public BackendServer backend() {
        return backend;
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
        started.forEach(HaproxyProcess::close);
        backend.close();
    }
}
