package hapc.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import hapc.testing.HapcRun;
import hapc.testing.HaproxyProcess;
import hapc.testing.LiveHaproxies;
import hapc.testing.RawSocket;
import hapc.testing.RecordingRelay;
import hapc.testing.ServerStates;
import hapc.testing.TcpListen;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One answer shape (issue 21, case 11; contract 1.2): the 1.0 top-level fields of one target are
 * there exactly when the request names one backend and one server, whatever was found; each
 * target says what it waited for and had left; capacity refusals and not-found answers list their
 * targets; sessions_killed is a boolean everywhere; effective_weight is HAProxy's own show stat
 * weight. HAProxy's state is read through the test's socket reader, every answer is validated
 * against its schema by {@link HapcRun}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OneAnswerShapeTest {
    @RegisterExtension
    final LiveHaproxies live = new LiveHaproxies();

    /** The 1.0 top-level fields of one target, over every targets action. */
    private static final List<String> ONE_TARGET_FIELDS = List.of("backend", "server", "before", "after", "diff",
            "workers", "admin_state", "sessions_killed");

    /** web1 is in web only; web2 in web and api; web2 of web comes back through a slowstart. */
    private HaproxyProcess haproxy(String binary, String extra) {
        int port = live.backend().port();
        return live.start(binary, """
                backend web
                    server web1 127.0.0.1:%1$d weight 10
                    server web2 127.0.0.1:%1$d weight 20 slowstart 1h
                    server web3 127.0.0.1:%1$d
                backend api
                    server web2 127.0.0.1:%1$d
                    server app 127.0.0.1:%1$d
                """.formatted(port) + extra);
    }

    private static List<String> present(JsonNode answer) {
        List<String> present = new ArrayList<>();
        ONE_TARGET_FIELDS.forEach(f -> {
            if (answer.has(f)) {
                present.add(f);
            }
        });
        return present;
    }

    private static List<String> targetIds(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("targets").forEach(t -> ids.add(t.get("backend").asText() + "/" + t.get("server").asText()));
        return ids;
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aServerNamedWithoutBackendAnswersWithoutTheOneTargetFieldsEvenWhenFoundOnce(String binary) {
        HaproxyProcess haproxy = haproxy(binary, "");
        String[][] calls = {
            {"drain-server"}, {"set-weight", "--weight", "5"}, {"stop-server"}, {"enable-server"},
            {"list-connections"}, {"check-safe-to-remove"}};
        String[] expectedState = {"drain", null, "maint", "ready", null, null};
        for (int i = 0; i < calls.length; i++) {
            List<String> args = new ArrayList<>(List.of(calls[i]));
            args.addAll(List.of("-s", "web1"));
            HapcRun run = HapcRun.run(haproxy.hapcArgs(args.toArray(String[]::new)));
            assertTrue(run.exit() == 0 || run.exit() == 3, run.stdout());
            assertEquals(List.of(), present(run.json()), "-s alone: only targets; " + run.stdout());
            assertEquals(List.of("web/web1"), targetIds(run.json()), run.stdout());
            if (expectedState[i] != null) {
                assertEquals(expectedState[i], ServerStates.of(haproxy, "web", "web1"), String.join(" ", args));
            }
        }
        assertEquals(5, RawSocket.weight(haproxy.adminSocket(), "web", "web1")[0], "set-weight -s web1 took");

        for (int i = 0; i < calls.length; i++) {
            List<String> args = new ArrayList<>(List.of(calls[i]));
            args.addAll(List.of("-b", "web", "-s", "web1"));
            HapcRun run = HapcRun.run(haproxy.hapcArgs(args.toArray(String[]::new)));
            assertTrue(run.exit() == 0 || run.exit() == 3, run.stdout());
            assertEquals("web", run.json().get("backend").asText(), run.stdout());
            assertEquals("web1", run.json().get("server").asText(), run.stdout());
            String action = calls[i][0];
            if (action.equals("list-connections")) {
                assertTrue(run.json().has("workers"), run.stdout());
            } else if (action.equals("check-safe-to-remove")) {
                assertEquals(ServerStates.of(haproxy, "web", "web1"), run.json().get("admin_state").asText());
            } else {
                for (String field : List.of("before", "after", "diff")) {
                    assertTrue(run.json().has(field), field + ": " + run.stdout());
                }
                assertEquals(ServerStates.of(haproxy, "web", "web1"), run.json().at("/after/admin_state").asText());
                assertEquals(action.equals("stop-server"), run.json().has("sessions_killed"), run.stdout());
            }
        }

        // JSON: a list of one name is one server; without backend, no one-target fields
        HapcRun json = HapcRun.runWithInput("{\"action\":\"drain-server\",\"server\":[\"web1\"]}",
                haproxy.hapcArgs("--json-in", "-"));
        assertEquals(0, json.exit(), json.stdout());
        assertEquals(List.of(), present(json.json()), json.stdout());
        assertEquals("drain", ServerStates.of(haproxy, "web", "web1"));
        HapcRun jsonOne = HapcRun.runWithInput(
                "{\"action\":\"enable-server\",\"backend\":\"web\",\"server\":[\"web1\"]}",
                haproxy.hapcArgs("--json-in", "-"));
        assertEquals(0, jsonOne.exit(), jsonOne.stdout());
        assertEquals("ready", jsonOne.json().at("/after/admin_state").asText(), jsonOne.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "web", "web1"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void eachTargetSaysWhatItWaitedForAndHadLeftAndWhatTheEscalationKilled(String binary) {
        TcpListen db = TcpListen.db(live.backend().port(), "db1", "db2");
        HaproxyProcess haproxy = haproxy(binary, db.section());
        db.holdSession(haproxy, "db1");

        HapcRun expired = HapcRun.run(haproxy.hapcArgs("drain-server", "-b", "db", "-s", "db1", "-s", "db2",
                "--wait", "-t", "0.5"));
        assertEquals(1, expired.exit(), expired.stdout());
        assertEquals("timeout", expired.errorKind(), expired.stdout());
        JsonNode targets = expired.json().get("targets");
        assertEquals(List.of("db/db1", "db/db2"), targetIds(expired.json()));
        for (int i = 0; i < 2; i++) {
            String server = "db" + (i + 1);
            assertTrue(targets.get(i).get("waited").asBoolean(), expired.stdout());
            assertEquals(RawSocket.sessions(haproxy.adminSocket(), "db", server),
                    targets.get(i).get("sessions_left").asInt(), server + ": " + expired.stdout());
            assertEquals(0, targets.get(i).get("queued_left").asInt(), expired.stdout());
            assertEquals("drain", ServerStates.of(haproxy, "db", server));
        }
        assertEquals(1, RawSocket.sessions(haproxy.adminSocket(), "db", "db1"), "the held session is on db1");

        HapcRun escalated = HapcRun.run(haproxy.hapcArgs("drain-server", "-b", "db", "-s", "db1", "-s", "db2",
                "--wait", "-t", "0.5", "--on-timeout", "stop"));
        assertEquals(0, escalated.exit(), escalated.stdout());
        JsonNode answer = escalated.json();
        assertTrue(answer.get("escalated").asBoolean(), escalated.stdout());
        assertTrue(answer.get("sessions_killed").isBoolean(), "one type everywhere: " + escalated.stdout());
        assertTrue(answer.get("sessions_killed").asBoolean(), escalated.stdout());
        assertEquals(1, answer.get("sessions_killed_count").asInt(), escalated.stdout());
        assertEquals("maint", ServerStates.of(haproxy, "db", "db1"));
        assertEquals("drain", ServerStates.of(haproxy, "db", "db2"), "emptied in time: stays drained");
        JsonNode db1 = answer.at("/targets/0");
        JsonNode db2 = answer.at("/targets/1");
        assertTrue(db1.get("escalated").asBoolean(), escalated.stdout());
        assertTrue(db1.get("sessions_killed").asBoolean(), escalated.stdout());
        assertEquals(1, db1.get("sessions_killed_count").asInt(), escalated.stdout());
        assertFalse(db2.get("escalated").asBoolean(), escalated.stdout());
        assertFalse(db2.has("sessions_killed"), escalated.stdout());
        assertTrue(HaproxyProcess.waitUntil(java.time.Duration.ofSeconds(5),
                () -> RawSocket.sessions(haproxy.adminSocket(), "db", "db1") == 0), "the kill took in HAProxy");
        assertEquals(0, db1.get("sessions_left").asInt(), escalated.stdout());
        assertEquals(RawSocket.sessions(haproxy.adminSocket(), "db", "db2"), db2.get("sessions_left").asInt());
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aCapacityRefusalListsItsTargetsAndSendsNothing(String binary) {
        HaproxyProcess haproxy = haproxy(binary, "");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-s", "web2", "--min-up", "2"));
        assertEquals(1, run.exit(), run.stdout());
        assertEquals("capacity", run.errorKind(), run.stdout());
        assertEquals(List.of(), relay.changes(), "nothing sent");
        assertEquals(List.of("web/web2", "api/web2"), targetIds(run.json()), run.stdout());
        JsonNode web = run.json().at("/targets/0");
        JsonNode api = run.json().at("/targets/1");
        for (JsonNode target : List.of(web, api)) {
            assertFalse(target.get("changed").asBoolean(), run.stdout());
            assertEquals(ServerStates.of(haproxy, target.get("backend").asText(), "web2"),
                    target.at("/after/admin_state").asText(), run.stdout());
        }
        assertFalse(web.get("failed").asBoolean(), "web keeps 2 up: " + run.stdout());
        assertTrue(api.get("failed").asBoolean(), "api would keep 1: " + run.stdout());
        assertEquals("ready", ServerStates.of(haproxy, "web", "web2"));
        assertEquals("ready", ServerStates.of(haproxy, "api", "web2"));
        assertEquals(List.of(), present(run.json()), run.stdout());

        HapcRun one = HapcRun.run(haproxy.hapcArgsThrough(relay, "stop-server", "-b", "api", "-s", "web2",
                "--min-up", "2"));
        assertEquals("capacity", one.errorKind(), one.stdout());
        assertEquals(List.of("api/web2"), targetIds(one.json()));
        assertEquals("api", one.json().get("backend").asText(), "one -b, one -s: the one-target fields");
        assertEquals("ready", one.json().at("/after/admin_state").asText());
        assertEquals(List.of(), relay.changes(), "nothing sent");
        assertEquals("ready", ServerStates.of(haproxy, "api", "web2"));
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void aNotFoundAnswerListsTheTargetsFoundAndTheNamesNot(String binary) {
        HaproxyProcess haproxy = haproxy(binary, "");
        RecordingRelay relay = live.relay(haproxy.adminSocket());
        String before = RawSocket.serversState(haproxy.adminSocket());
        for (String action : List.of("stop-server", "set-weight", "list-connections", "check-safe-to-remove")) {
            List<String> args = new ArrayList<>(List.of(action, "-s", "web2", "-s", "nope"));
            if (action.equals("set-weight")) {
                args.addAll(List.of("--weight", "1"));
            }
            HapcRun run = HapcRun.run(haproxy.hapcArgsThrough(relay, args.toArray(String[]::new)));
            assertEquals(2, run.exit(), run.stdout());
            assertEquals("not_found", run.errorKind(), run.stdout());
            assertEquals(List.of("web/web2", "api/web2"), targetIds(run.json()), run.stdout());
            assertEquals("nope", run.json().at("/not_found/0/server").asText(), run.stdout());
            assertFalse(run.json().at("/not_found/0").has("backend"), run.stdout());
            if (run.json().at("/targets/0").has("after")) {
                assertFalse(run.json().at("/targets/0/changed").asBoolean(), run.stdout());
                assertEquals("ready", run.json().at("/targets/0/after/admin_state").asText());
            }
        }
        HapcRun inBackend = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "api", "-s", "nope"));
        assertEquals("not_found", inBackend.errorKind(), inBackend.stdout());
        assertEquals(0, inBackend.json().get("targets").size(), inBackend.stdout());
        assertEquals("api", inBackend.json().at("/not_found/0/backend").asText(), inBackend.stdout());
        HapcRun noBackend = HapcRun.run(haproxy.hapcArgsThrough(relay, "drain-server", "-b", "nobe", "-s", "web1"));
        assertEquals("not_found", noBackend.errorKind(), noBackend.stdout());
        assertEquals("nobe", noBackend.json().at("/not_found/0/backend").asText(), noBackend.stdout());
        assertEquals(List.of(), relay.changes(), "nothing sent");
        assertEquals(before, RawSocket.serversState(haproxy.adminSocket()), "nothing changed");
    }

    @ParameterizedTest
    @MethodSource("hapc.testing.HaproxyVersions#all")
    void effectiveWeightIsShowStatsWeightWhileTheWeightIsTheUserWeight(String binary) {
        HaproxyProcess haproxy = haproxy(binary, "");
        RawSocket.ask(haproxy.adminSocket(), "set server web/web2 state maint");
        HapcRun run = HapcRun.run(haproxy.hapcArgs("enable-server", "-b", "web", "-s", "web2"));
        assertEquals(0, run.exit(), run.stdout());
        // leaving maint goes through the 1 h slowstart: HAProxy balances with a fraction of 20
        String statWeight = RawSocket.stat(haproxy.adminSocket(), "web", "web2", "weight");
        String userWeight = RawSocket.serverState(haproxy.adminSocket(), "web", "web2", "srv_uweight");
        assertNotEquals(userWeight, statWeight, "HAProxy's two weights differ during the slowstart");
        assertEquals(Integer.parseInt(statWeight), run.json().at("/after/effective_weight").asInt(), run.stdout());
        assertEquals(Integer.parseInt(userWeight), run.json().at("/after/weight").asInt(), run.stdout());

        HapcRun listed = HapcRun.run(haproxy.hapcArgs("list-servers", "-b", "web", "-d"));
        for (JsonNode server : listed.json().get("servers")) {
            String name = server.get("name").asText();
            assertEquals(RawSocket.stat(haproxy.adminSocket(), "web", name, "weight"),
                    server.get("effective_weight").asText(), listed.stdout());
        }
    }
}
