package hapc.output.text;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned table: headers in capitals, columns two spaces apart, numbers right-aligned so
 * their digits line up, "-" for a missing value, no trailing blanks.
 */
final class Table {
    private final List<String> headers;
    private final List<Object[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = Arrays.asList(headers);
    }

    /**
     * Adds a row; cells are shown with {@link Values#show} (null is "-": no value), except ""
     * which stays blank (nothing to say, as in a continuation row), and a column whose cells are
     * all numbers is right-aligned.
     */
    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(headers.size() + " columns, " + cells.length + " cells");
        }
        rows.add(cells);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int columns = headers.size();
        int[] widths = new int[columns];
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            widths[c] = headers.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (Object[] row : rows) {
                widths[c] = Math.max(widths[c], "".equals(row[c]) ? 0 : Values.show(row[c]).length());
                numeric[c] &= row[c] == null || "".equals(row[c]) || row[c] instanceof Number;
            }
        }
        line(out, headers.toArray(), true, widths, numeric);
        rows.forEach(row -> line(out, row, false, widths, numeric));
    }

    private static void line(PrintStream out, Object[] cells, boolean header, int[] widths, boolean[] numeric) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = header || "".equals(cells[c]) ? cells[c].toString() : Values.show(cells[c]);
            String pad = " ".repeat(widths[c] - cell.length());
            line.append(numeric[c] ? pad + cell : cell + pad);
            if (c + 1 < cells.length) {
                line.append("  ");
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
