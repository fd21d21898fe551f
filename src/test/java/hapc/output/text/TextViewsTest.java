package hapc.output.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import hapc.testing.HapcRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The views of the answers built from haproxy.cfg and of reload-haproxy, on answers shaped by
 * the published response schemas (each document is first validated against its schema, so
 * these are answers hapc may really give), and the rule that no field is ever hidden.
 */
class TextViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> render(String answer) throws Exception {
        HapcRun.assertValid(JSON.readTree(answer));
        @SuppressWarnings("unchecked")
        Map<String, Object> document = JSON.readValue(answer, Map.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextRendering.write(document, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void frontendsShowBindsAndEveryWayToABackend() throws Exception {
        List<String> lines = render("""
                {"action":"list-frontends","changed":false,"failed":false,"msg":"2 frontends in the config.",
                 "config_files":["/etc/haproxy/haproxy.cfg"],
                 "frontends":[
                  {"name":"www","type":"frontend","mode":"http","binds":[":80",":443"],"default_backend":"web",
                   "default_backend_from":"defaults","use_backends":["api"],"dynamic_use_backends":["%[req.hdr(host)]"],
                   "file":"/etc/haproxy/haproxy.cfg","line":12},
                  {"name":"db","type":"listen","mode":"tcp","binds":["127.0.0.1:5432"],"default_backend":null,
                   "default_backend_from":null,"use_backends":[],"dynamic_use_backends":[],
                   "file":"/etc/haproxy/haproxy.cfg","line":30}]}
                """);
        String header = lines.get(2);
        assertEquals("FRONTEND  TYPE      MODE  BINDS           BACKENDS", header.substring(0, 50));
        String www = TextOutputTest.row(lines, "www");
        assertEquals(":80, :443", TextOutputTest.cell(header, www, "BINDS"));
        assertEquals("web (default, from defaults), api, %[req.hdr(host)] (dynamic)",
                TextOutputTest.cell(header, www, "BACKENDS"));
        assertEquals("/etc/haproxy/haproxy.cfg:12", TextOutputTest.cell(header, www, "DEFINED AT"));
        assertEquals("-", TextOutputTest.cell(header, TextOutputTest.row(lines, "db "), "BACKENDS"));
    }

    @Test
    void configBackendsReadAsBlocksOfServers() throws Exception {
        List<String> lines = render("""
                {"action":"list-config-backends","changed":false,"failed":false,"msg":"2 backends in the config.",
                 "config_files":["/etc/haproxy/haproxy.cfg"],
                 "backends":[
                  {"name":"web","type":"backend","mode":"http","file":"/etc/haproxy/haproxy.cfg","line":20,"servers":[
                    {"name":"web1","address":"10.0.0.1","port":80,"disabled":false,"backup":false,"from_template":false,
                     "file":"/etc/haproxy/haproxy.cfg","line":21},
                    {"name":"web2","address":"2001:db8::2","port":80,"disabled":true,"backup":true,"from_template":true,
                     "file":"/etc/haproxy/haproxy.cfg","line":22}]},
                  {"name":"empty","type":"backend","mode":"http","file":"/etc/haproxy/haproxy.cfg","line":30,"servers":[]}]}
                """);
        String header = lines.get(2);
        assertTrue(lines.get(3).startsWith("web "), lines.get(3));
        assertEquals("web1", TextOutputTest.cell(header, lines.get(3), "SERVER"));
        assertEquals("", TextOutputTest.cell(header, lines.get(4), "BACKEND"), "the backend is named once");
        assertEquals("[2001:db8::2]:80", TextOutputTest.cell(header, lines.get(4), "ADDRESS"));
        assertEquals("disabled,backup,template", TextOutputTest.cell(header, lines.get(4), "FLAGS"));
        assertEquals("-", TextOutputTest.cell(header, TextOutputTest.row(lines, "empty"), "SERVER"));
    }

    @Test
    void reloadShowsTheValidationTheWorkersAndTheStatesPutBack() throws Exception {
        List<String> lines = render("""
                {"action":"reload-haproxy","changed":true,"failed":false,"check_mode":false,"msg":"HAProxy reloaded.",
                 "validated":{"valid":true,"command":["haproxy","-c","-f","/etc/haproxy/haproxy.cfg"],"exit_status":0,"output":[]},
                 "method":"master_cli","duration_seconds":1.25,
                 "workers_before":[{"pid":100,"role":"master"},{"pid":101,"role":"current","reloads":0}],
                 "workers_after":[{"pid":100,"role":"master"},{"pid":101,"role":"old","reloads":1},{"pid":102,"role":"current","reloads":0}],
                 "states_restored":[{"backend":"web","server":"web1","admin_state":"drain","how":"reapplied"}],
                 "state_files":[]}
                """);
        assertTrue(lines.contains("Config valid: yes   command: haproxy -c -f /etc/haproxy/haproxy.cfg   exit status: 0"),
                String.join("\n", lines));
        assertTrue(lines.contains("Reload method: master_cli   took 1.25 s"), String.join("\n", lines));
        int after = lines.indexOf("Workers after:");
        assertTrue(after > lines.indexOf("Workers before:"), String.join("\n", lines));
        assertEquals("old", TextOutputTest.cell(lines.get(after + 1), lines.get(after + 3), "ROLE"));
        int restored = lines.indexOf("Server states kept across the reload:");
        assertEquals("drain", TextOutputTest.cell(lines.get(restored + 1), lines.get(restored + 2), "ADMIN"));
    }

    @Test
    void backendsWithLinksShowTheirFrontendsAndWhereTheConfigDisagrees() throws Exception {
        List<String> lines = render("""
                {"action":"list-backends","changed":false,"failed":false,"msg":"2 backends.",
                 "backends":[{"name":"web","frontends":["www","admin"],"in_runtime":true,"in_config":true},
                             {"name":"old","frontends":[],"in_runtime":true,"in_config":false}],
                 "config_agrees":false,"only_in_runtime":["old"],"only_in_config":[],
                 "config_files":["/etc/haproxy/haproxy.cfg"]}
                """);
        String header = lines.get(2);
        assertEquals("www, admin", TextOutputTest.cell(header, lines.get(3), "FRONTENDS"));
        assertEquals("no", TextOutputTest.cell(header, lines.get(4), "IN CONFIG"));
        assertTrue(lines.contains("Only in the running HAProxy: old"), String.join("\n", lines));
    }

    @Test
    void aFieldNoViewKnowsIsStillShown() throws Exception {
        // Not schema-valid on purpose: a field added to an answer before its view learns of it.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextRendering.write(Map.of("action", "list-servers", "msg", "1 server.", "brand_new", 42,
                "servers", List.of(Map.of("name", "a", "backend", "b"))), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\nBrand new: 42\n"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void warningsComeLast() throws Exception {
        List<String> lines = render("""
                {"action":"list-backends","changed":false,"failed":false,"msg":"1 backend.",
                 "backends":[{"name":"web"}],"warnings":["the config has no admin socket line"]}
                """);
        assertEquals("Warning: the config has no admin socket line", lines.get(lines.size() - 1));
    }
}
