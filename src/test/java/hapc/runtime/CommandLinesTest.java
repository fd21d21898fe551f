package hapc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 21, case 1: a target's commands never go over two CLI lines (two exchanges). */
class CommandLinesTest {

    /** One target's drain with its agent pause, as WantedState plans it. */
    private static List<String> drain(String backend) {
        return List.of(Commands.disableAgent(backend, "s"), Commands.setState(backend, "s", hapc.model.AdminState.DRAIN));
    }

    private static int bytes(List<String> line) {
        return line.stream().mapToInt(c -> c.getBytes(StandardCharsets.UTF_8).length + 2).sum();
    }

    @Test
    void aTargetsCommandsStayOnOneLineWhereCommandByCommandPackingSplitsThem() {
        // 80 targets of ~460 bytes: packed command by command (what pack() does for reads, and
        // what writes were packed like before), the first line ends with target 33's agent pause
        // and its drain goes on the second line
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            groups.add(drain("b%03d-".formatted(i) + "x".repeat(200)));
        }
        List<String> flat = groups.stream().flatMap(List::stream).toList();
        List<List<String>> oneByOne = CommandLines.pack(flat);
        assertTrue(oneByOne.get(0).get(oneByOne.get(0).size() - 1).startsWith("disable agent b032-"),
                "the case this test is about: a pair split by command-by-command packing");

        List<List<String>> lines = CommandLines.packGroups(groups);
        assertEquals(3, lines.size());
        assertEquals(flat, lines.stream().flatMap(List::stream).toList(), "every command once, in order");
        assertWhole(groups, lines);
        lines.forEach(line -> assertTrue(bytes(line) <= CommandLines.MAX_BYTES, "line of " + bytes(line)));
    }

    @Test
    void groupsOfEverySizeAreNeverSplitAndLinesStayUnderTheLimit() {
        Random random = new Random(21);
        for (int round = 0; round < 200; round++) {
            int max = 100 + random.nextInt(400);
            List<List<String>> groups = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int g = 0; g < count; g++) {
                List<String> group = new ArrayList<>();
                int commands = 1 + random.nextInt(4);
                for (int c = 0; c < commands; c++) {
                    group.add("g" + g + "c" + c + "-" + "y".repeat(random.nextInt(max / 3)));
                }
                groups.add(group);
            }
            List<List<String>> lines = CommandLines.packGroups(groups, max);
            assertEquals(groups.stream().flatMap(List::stream).toList(),
                    lines.stream().flatMap(List::stream).toList(), "round " + round);
            for (List<String> group : groups) {
                if (bytes(group) <= max) {
                    assertTrue(lines.stream().anyMatch(line -> line.containsAll(group)), "round " + round
                            + ": group split: " + group + " in " + lines);
                }
            }
            for (List<String> line : lines) {
                assertTrue(bytes(line) <= max || line.size() == 1, "round " + round + ": line of " + bytes(line));
            }
        }
    }

    @Test
    void aGroupLargerThanALineGoesAloneOnItsOwnLines() {
        List<String> small = List.of("a".repeat(20));
        List<String> large = List.of("b".repeat(40), "c".repeat(40), "d".repeat(40));
        List<String> after = List.of("e".repeat(20));
        List<List<String>> lines = CommandLines.packGroups(List.of(small, large, after), 100);
        assertEquals(List.of(small, List.of(large.get(0), large.get(1)), List.of(large.get(2)), after), lines);
    }

    @Test
    void readsArePackedAsBefore() {
        List<String> reads = List.of("x".repeat(40), "y".repeat(40), "z".repeat(40));
        assertEquals(List.of(List.of(reads.get(0), reads.get(1)), List.of(reads.get(2))),
                CommandLines.packGroups(reads.stream().map(List::of).toList(), 100));
    }

    private static void assertWhole(List<List<String>> groups, List<List<String>> lines) {
        for (List<String> group : groups) {
            assertTrue(lines.stream().anyMatch(line -> line.containsAll(group)), "split: " + group);
        }
    }
}
