package hapc.output;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hapc.testing.HapcRun;
import org.junit.jupiter.api.Test;

/**
 * The response schemas hold the one answer shape (contract 1.2) as far as JSON Schema can see it
 * without the request: the one-target fields all or none and only beside exactly one target,
 * targets on every success and on capacity and not_found failures, sessions_killed a boolean,
 * effective_weight on server objects. Each rule is shown to refuse its violation, next to a valid
 * answer, so none of them can pass by accident.
 */
class AnswerShapeSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode server(String backend, String name) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name).put("backend", backend).put("admin_state", "drain").put("operational_state", "up")
                .put("status", "DRAIN").put("weight", 10).put("initial_weight", 10).put("effective_weight", 10)
                .put("address", "127.0.0.1").put("port", 80).put("sessions", 0).put("queued", 0);
        return s;
    }

    private static ObjectNode target(String backend, String name) {
        ObjectNode t = JSON.createObjectNode();
        t.put("backend", backend).put("server", name).put("changed", true).put("failed", false);
        t.set("before", server(backend, name));
        t.set("after", server(backend, name));
        ObjectNode diff = t.putObject("diff");
        diff.putObject("before");
        diff.putObject("after");
        return t;
    }

    private static ObjectNode drain(ObjectNode... targets) {
        ObjectNode a = JSON.createObjectNode();
        a.put("action", "drain-server").put("changed", true).put("failed", false).put("msg", "drained.")
                .put("check_mode", false);
        ArrayNode list = a.putArray("targets");
        for (ObjectNode t : targets) {
            list.add(t);
        }
        return a;
    }

    private static void withOneTargetFields(ObjectNode answer) {
        JsonNode only = answer.get("targets").get(0);
        for (String field : new String[] {"backend", "server", "before", "after", "diff"}) {
            answer.set(field, only.get(field));
        }
    }

    private static void invalid(JsonNode answer) {
        assertThrows(AssertionError.class, () -> HapcRun.assertValid(answer), answer.toString());
    }

    @Test
    void theOneTargetFieldsComeAllOrNoneAndOnlyWithOneTarget() {
        HapcRun.assertValid(drain(target("web", "web1")));
        ObjectNode keyed = drain(target("web", "web1"));
        withOneTargetFields(keyed);
        HapcRun.assertValid(keyed);

        ObjectNode partial = drain(target("web", "web1"));
        withOneTargetFields(partial);
        partial.remove("diff");
        invalid(partial);

        ObjectNode two = drain(target("web", "web1"), target("api", "web1"));
        HapcRun.assertValid(two);
        withOneTargetFields(two);
        invalid(two);

        ObjectNode none = drain(target("web", "web1"));
        none.remove("targets");
        invalid(none);
    }

    @Test
    void capacityAndNotFoundFailuresCarryTheirTargets() {
        ObjectNode refused = drain(target("web", "web1"));
        refused.put("changed", false).put("failed", true).putObject("error").put("kind", "capacity").put("message", "no");
        refused.putArray("capacity");
        HapcRun.assertValid(refused);
        refused.remove("targets");
        invalid(refused);

        ObjectNode missing = drain(target("web", "web1"));
        missing.put("changed", false).put("failed", true).putObject("error").put("kind", "not_found").put("message", "no");
        missing.putArray("not_found").addObject().put("server", "nope");
        HapcRun.assertValid(missing);
        ObjectNode withoutNames = missing.deepCopy();
        withoutNames.remove("not_found");
        invalid(withoutNames);
        missing.remove("targets");
        invalid(missing);
    }

    @Test
    void sessionsKilledIsABooleanAndEffectiveWeightIsOnServers() {
        ObjectNode escalated = drain(target("db", "db1"));
        escalated.put("escalated", true).put("sessions_killed", true).put("sessions_killed_count", 2);
        HapcRun.assertValid(escalated);
        escalated.put("sessions_killed", 2);
        invalid(escalated);
        ObjectNode countless = drain(target("db", "db1"));
        countless.put("escalated", true).put("sessions_killed", true);
        invalid(countless);

        ObjectNode slowstart = drain(target("web", "web2"));
        ((ObjectNode) slowstart.at("/targets/0/after")).put("effective_weight", 1);
        HapcRun.assertValid(slowstart);
        ((ObjectNode) slowstart.at("/targets/0/after")).put("effective_weight", "1");
        invalid(slowstart);
    }
}
