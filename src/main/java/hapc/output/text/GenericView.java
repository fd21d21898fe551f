package hapc.output.text;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Any field no view showed: "Label: value", or a table for a list of objects. This is what an
 * answer field looks like before an action's view knows about it; crude, but never hidden.
 */
final class GenericView {
    private GenericView() {
    }

    static void render(Map<String, ?> fields, PrintStream out) {
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            if (field.getValue() instanceof java.util.Collection<?> list && list.isEmpty()) {
                continue; // an empty list says nothing worth a line
            }
            List<Map<String, Object>> rows = Values.objects(field.getValue());
            if (!rows.isEmpty()) {
                out.println(label(field.getKey()) + ":");
                table(rows).print(out);
            } else {
                out.println(label(field.getKey()) + ": " + Values.show(field.getValue()));
            }
        }
    }

    private static Table table(List<Map<String, Object>> rows) {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(row -> keys.addAll(row.keySet()));
        List<String> columns = new ArrayList<>(keys);
        Table table = new Table(columns.stream().map(k -> k.replace('_', ' ').toUpperCase(Locale.ROOT))
                .toArray(String[]::new));
        for (Map<String, Object> row : rows) {
            table.row(columns.stream().map(row::get).toArray());
        }
        return table;
    }

    /** "sessions_left" reads "Sessions left". */
    static String label(String key) {
        String words = key.replace('_', ' ');
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
