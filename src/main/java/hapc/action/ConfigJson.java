package hapc.action;

import hapc.config.Bind;
import hapc.config.ConfigBackend;
import hapc.config.ConfigServer;
import hapc.config.Frontend;
import hapc.config.HaproxyConfig;
import hapc.config.Origin;
import hapc.config.UseBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the config's frontends, backends and servers appear in answers, each with file and line. */
final class ConfigJson {
    private ConfigJson() {
    }

    static Map<String, Object> frontend(Frontend frontend) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", frontend.name());
        json.put("type", frontend.kind().keyword());
        json.put("mode", frontend.mode());
        json.put("binds", frontend.binds().stream().map(Bind::address).toList());
        json.put("default_backend", frontend.defaultBackend());
        json.put("default_backend_from", frontend.defaultBackendFrom());
        json.put("use_backends", frontend.useBackends().stream().filter(r -> !r.dynamic()).map(UseBackend::target)
                .distinct().toList());
        json.put("dynamic_use_backends", frontend.useBackends().stream().filter(UseBackend::dynamic)
                .map(UseBackend::target).toList());
        origin(json, frontend.origin());
        return json;
    }

    static Map<String, Object> backend(ConfigBackend backend) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", backend.name());
        json.put("type", backend.kind().keyword());
        json.put("mode", backend.mode());
        json.put("servers", backend.servers().stream().map(ConfigJson::server).toList());
        origin(json, backend.origin());
        return json;
    }

    static Map<String, Object> server(ConfigServer server) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", server.name());
        json.put("address", server.address());
        json.put("port", server.port());
        json.put("disabled", server.disabled());
        json.put("backup", server.backup());
        json.put("from_template", server.fromTemplate());
        origin(json, server.origin());
        return json;
    }

    static List<String> files(HaproxyConfig config) {
        return config.files().stream().map(Path::toString).toList();
    }

    private static void origin(Map<String, Object> json, Origin origin) {
        json.put("file", origin.file().toString());
        json.put("line", origin.line());
    }
}
