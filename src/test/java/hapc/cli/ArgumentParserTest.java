package hapc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hapc.ErrorKind;
import hapc.HapcException;
import hapc.request.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentParserTest {
    private static String usage(String... argv) {
        HapcException e = assertThrows(HapcException.class, () -> ArgumentParser.parse(argv));
        assertEquals(ErrorKind.USAGE, e.kind());
        return e.getMessage();
    }

    @Test
    void optionsMayComeBeforeOrAfterTheAction() {
        Arguments before = ArgumentParser.parse(new String[] {"-b", "web", "-d", "list-servers"});
        Arguments after = ArgumentParser.parse(new String[] {"list-servers", "--backend", "web", "--details"});
        assertEquals(before.values(), after.values());
        assertEquals("list-servers", before.actionName());
        assertEquals(Boolean.TRUE, after.values().get(Field.DETAILS));
    }

    @Test
    void configMayBeRepeatedOtherOptionsMayNot() {
        Arguments args = ArgumentParser.parse(new String[] {"list-frontends", "-c", "/a.cfg", "-c", "/conf.d"});
        assertEquals(List.of("/a.cfg", "/conf.d"), args.values().get(Field.CONFIG));
        assertTrue(usage("list-servers", "-b", "a", "-b", "b").contains("more than once"));
        assertTrue(usage("list-servers", "-b", "a", "--backend", "b").contains("more than once"));
    }

    @Test
    void usageErrors() {
        assertTrue(usage("list-servers", "--frobnicate").contains("frobnicate"));
        assertTrue(usage("list-servers", "-b").contains("b"));
        assertTrue(usage("drain-server", "-t", "soon").contains("number of seconds"));
        assertTrue(usage("drain-server", "-t", "NaN").contains("number of seconds"));
        assertTrue(usage("list-backends", "list-servers").contains("one action"));
        assertTrue(usage("list-servers", "--back", "web").contains("back"), "no prefix matching of long options");
    }
}
