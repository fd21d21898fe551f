package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Error answers as HAProxy 2.6 and 3.0 print them after 'set severity-output number'. */
class AnswerTest {
    @Test
    void severityThreeIsAnError() {
        Answer answer = new Answer("set server web/x state drain", "[3]: No such server.");
        assertTrue(answer.isError());
        assertEquals("No such server.", answer.message());
    }

    @Test
    void permissionDeniedIsRecognised() {
        Answer answer = new Answer("set server web/x state drain", "[3]: Permission denied");
        assertTrue(answer.isError());
        assertTrue(answer.isPermissionDenied());
    }

    @Test
    void unknownCommandIsAnErrorThoughHaproxyPrintsItAsANotice() {
        String v26 = "[6]: Unknown command, but maybe one of the following ones is a better match:\n  help : list";
        String v30 = "[6]: Unknown command: 'frobnicate', but maybe one of the following ones is a better match:";
        String noSeverity = "Unknown command. Please enter one of the following commands only :\n  help";
        for (String text : new String[] {v26, v30, noSeverity}) {
            Answer answer = new Answer("frobnicate", text);
            assertTrue(answer.isError(), text);
            assertTrue(answer.isUnknownCommand(), text);
        }
    }

    @Test
    void theSeverityPrefixIsOneDigitInBracketsAndAColon() {
        assertEquals("No such server.", new Answer("get weight a/b", "[3]:No such server.").message());
        assertTrue(new Answer("get weight a/b", "[3]:").isError());
        assertEquals("", new Answer("get weight a/b", "[3]: ").message());
        assertFalse(new Answer("show info", "[6]: done").isError());
        assertEquals("done", new Answer("show info", "[6]: done").message());
        // not a prefix: the text is data, taken whole
        assertFalse(new Answer("show x", "[12]: twelve").isError());
        assertEquals("[12]: twelve", new Answer("show x", "[12]: twelve").message());
        assertFalse(new Answer("show x", "[a]: letter").isError());
        assertFalse(new Answer("show x", "[3] no colon").isError());
        assertEquals("[3", new Answer("show x", "[3").message());
    }

    @Test
    void dataAndEmptyAnswersAreNotErrors() {
        assertFalse(new Answer("set server web/x state ready", "").isError());
        assertFalse(new Answer("show backend", "# name\nweb").isError());
        assertFalse(new Answer("show servers state web", "1\n# be_id be_name").isError());
    }
}
