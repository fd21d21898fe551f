package hapc.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Human-readable rendering of an answer: the message, then every list of objects as an aligned
 * table and every other field as "name: value". For people at a terminal; never parse it.
 */
public final class TextWriter {
    private TextWriter() {
    }

    public static void write(Map<String, ?> document, PrintStream out) {
        out.println(document.get("msg"));
        for (Map.Entry<String, ?> entry : document.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.equals("msg") || key.equals("action") || value == null) {
                continue;
            }
            if (value instanceof Collection<?> list && !list.isEmpty() && list.iterator().next() instanceof Map) {
                out.println();
                out.println(key + ":");
                table(list, out);
            } else {
                out.println(key + ": " + flat(value));
            }
        }
    }

    private static void table(Collection<?> rows, PrintStream out) {
        Set<String> columns = new LinkedHashSet<>();
        for (Object row : rows) {
            ((Map<?, ?>) row).keySet().forEach(k -> columns.add(String.valueOf(k)));
        }
        List<String> header = new ArrayList<>(columns);
        int[] widths = header.stream().mapToInt(String::length).toArray();
        List<List<String>> cells = new ArrayList<>();
        for (Object row : rows) {
            List<String> line = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                String cell = flat(((Map<?, ?>) row).get(header.get(i)));
                widths[i] = Math.max(widths[i], cell.length());
                line.add(cell);
            }
            cells.add(line);
        }
        printRow(header.stream().map(String::toUpperCase).toList(), widths, out);
        cells.forEach(line -> printRow(line, widths, out));
    }

    private static void printRow(List<String> cells, int[] widths, PrintStream out) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < cells.size(); i++) {
            line.append(String.format("%-" + widths[i] + "s", cells.get(i)));
            if (i + 1 < cells.size()) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }

    private static String flat(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Collection<?> list) {
            return String.join(",", list.stream().map(TextWriter::flat).toList());
        }
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, v) -> parts.add(k + "=" + flat(v)));
            return "{" + String.join(" ", parts) + "}";
        }
        return String.valueOf(value);
    }
}
