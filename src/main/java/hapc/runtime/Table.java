package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table HAProxy prints with a {@code # name name ...} header line: {@code show stat} (CSV) and
 * {@code show servers state} (space separated). Columns are found by NAME, never by position:
 * fields were added in almost every HAProxy version.
 */
public final class Table {
    /** Column name -> index in a row (a row holds only the kept columns, see {@link #parse}). */
    private final Map<String, Integer> columns;
    /** Every column of the header, kept or not: what {@link #require} checks. */
    private final Set<String> header;
    private final List<String[]> rows;

    private Table(Map<String, Integer> columns, Set<String> header, List<String[]> rows) {
        this.columns = columns;
        this.header = header;
        this.rows = rows;
    }

    /** Takes the rows of a table one at a time, as they are split. */
    @FunctionalInterface
    public interface RowVisitor {
        void row(Table table, String[] row);
    }

    /** {@code show stat}: CSV with a trailing comma on every line. */
    public static Table csv(String text) {
        return parse(text, ',', null, null, null, null);
    }

    /**
     * {@code show stat}, keeping only the rows whose first field ({@code pxname}) is the given
     * proxy: the other rows are skipped without being split, so even a full dump of a large
     * HAProxy costs little more than scanning it for line ends.
     */
    public static Table csv(String text, String proxy) {
        return csv(text, Set.of(proxy));
    }

    /** {@code show stat} of several proxies (or of all), keeping only the rows of these proxies. */
    public static Table csv(String text, Set<String> proxies) {
        return parse(text, ',', "pxname", proxies, null, null);
    }

    /**
     * As {@link #csv(String, Set)}, splitting out only the {@code keep} columns of each kept row:
     * a {@code show stat} row has about 100 fields of which a reader needs a handful, and on
     * 100,000 rows splitting them all is most of the cost of a call (and of its memory).
     */
    public static Table csv(String text, Set<String> proxies, Set<String> keep) {
        return csv(text, "pxname", proxies, keep);
    }

    /** As {@link #csv(String, Set, Set)}, keeping the rows whose {@code column} holds one of {@code values}. */
    public static Table csv(String text, String column, Set<String> values, Set<String> keep) {
        return parse(text, ',', column, values, keep, null);
    }

    /**
     * As {@link #csv(String, String, Set, Set)}, handing each kept row to {@code each} as soon as
     * it is split instead of keeping it ({@link #rows()} stays empty): a reader that turns rows
     * into small records at once never holds 100,000 split rows at the same time.
     */
    public static Table csv(String text, String column, Set<String> values, Set<String> keep, RowVisitor each) {
        return parse(text, ',', column, values, keep, each);
    }

    /** {@code show servers state}: a format-number line, then the header, then rows. */
    public static Table spaced(String text) {
        return parse(text, ' ', null, null, null, null);
    }

    /**
     * {@code show servers state}, keeping only the rows whose {@code column} holds one of
     * {@code values}; the others are skipped without being split (a whole dump of 10,000
     * backends is 7 MB, of which a call usually needs a few rows).
     */
    public static Table spaced(String text, String column, Set<String> values) {
        return parse(text, ' ', column, values, null, null);
    }

    /** As {@link #spaced(String, String, Set)}, splitting out only the {@code keep} columns of each kept row. */
    public static Table spaced(String text, String column, Set<String> values, Set<String> keep) {
        return parse(text, ' ', column, values, keep, null);
    }

    /** As {@link #spaced(String, String, Set, Set)}, handing each kept row to {@code each} (see {@link #csv(String, String, Set, Set, RowVisitor)}). */
    public static Table spaced(String text, String column, Set<String> values, Set<String> keep, RowVisitor each) {
        return parse(text, ' ', column, values, keep, each);
    }

    private static Table parse(String text, char separator, String column, Set<String> values, Set<String> keep,
            RowVisitor each) {
        Reader reader = new Reader(separator, column, values, keep, each);
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            reader.line(text, start, end);
            start = end + 1;
        }
        return reader.table();
    }

    /** A reader of {@code show servers state}, taking its lines one at a time (see {@link Reader}). */
    public static Reader spacedReader(String column, Set<String> values, Set<String> keep, RowVisitor each) {
        return new Reader(' ', column, values, keep, each);
    }

    /** A reader of {@code show stat}, taking its lines one at a time (see {@link Reader}). */
    public static Reader csvReader(String column, Set<String> values, Set<String> keep, RowVisitor each) {
        return new Reader(',', column, values, keep, each);
    }

    /**
     * A table read one line at a time, as the lines come off the socket: only the rows wanted are
     * split, and only their wanted columns.
     */
    public static final class Reader {
        private final char separator;
        private final String column;
        private final Set<String> values;
        private final Set<String> keep;
        private final RowVisitor each;
        /** One wanted value (the usual one-backend call) is compared in place, without a substring. */
        private final String single;
        private final List<String[]> rows = new ArrayList<>();
        /** The answer's first characters until its header came: what an error quotes. */
        private StringBuilder start;
        private Table table;
        private Map<String, Integer> columns;
        private int[] slots;
        private int filterIndex = -1;

        /**
         * @param column when not null, only the data rows whose field of that name is in {@code values} are kept
         * @param keep   when not null, the only columns split out of each row (the others read as absent)
         * @param each   when not null, takes each kept row instead of the table's row list
         */
        Reader(char separator, String column, Set<String> values, Set<String> keep, RowVisitor each) {
            this.separator = separator;
            this.column = column;
            this.values = values;
            this.keep = keep;
            this.each = each;
            this.single = values != null && values.size() == 1 ? values.iterator().next() : null;
        }

        public void line(String line) {
            line(line, 0, line.length());
        }

        void line(String text, int start, int end) {
            if (end <= start) {
                return;
            }
            if (columns == null) {
                if (this.start == null) {
                    this.start = new StringBuilder();
                }
                if (this.start.length() < 200) {
                    this.start.append(text, start, Math.min(end, start + 200)).append('\n');
                }
            }
            if (text.charAt(start) == '#') {
                if (columns == null) {
                    columns = header(text.substring(start + 1, end).strip(), separator);
                    Set<String> header = Set.copyOf(columns.keySet());
                    filterIndex = column == null ? -1 : columns.getOrDefault(column, -1);
                    if (keep != null) {
                        slots = slots(columns, keep);
                        columns = kept(columns, slots);
                    }
                    table = new Table(columns, header, rows);
                    this.start = null;
                }
            } else if (columns != null && (column == null || filterIndex >= 0
                    && (single != null ? fieldIs(text, start, end, separator, filterIndex, single)
                            : values.contains(field(text, start, end, separator, filterIndex))))) {
                String[] row = slots == null ? fields(text, start, end, separator, columns.size())
                        : keptFields(text, start, end, separator, slots, columns.size());
                if (each == null) {
                    rows.add(row);
                } else {
                    each.row(table, row);
                }
            }
        }

        /** The table read (its rows, unless they went to a visitor); refuses an answer without a header. */
        public Table table() {
            if (table == null) {
                throw new HapcException(ErrorKind.HAPROXY, "HAProxy's answer has no '#' header line: "
                        + (start == null ? "" : start.substring(0, Math.min(200, start.length())).strip()));
            }
            return table;
        }
    }

    /** For each header position, the index of that column in a kept row, or -1 when it is not kept. */
    private static int[] slots(Map<String, Integer> columns, Set<String> keep) {
        int width = columns.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] names = new String[width];
        columns.forEach((name, position) -> names[position] = name);
        int[] slots = new int[width];
        int next = 0;
        for (int position = 0; position < width; position++) {
            slots[position] = names[position] != null && keep.contains(names[position]) ? next++ : -1;
        }
        return slots;
    }

    /** The kept columns, renumbered to their index in a kept row. */
    private static Map<String, Integer> kept(Map<String, Integer> columns, int[] slots) {
        Map<String, Integer> kept = new HashMap<>();
        columns.forEach((name, position) -> {
            if (slots[position] >= 0) {
                kept.put(name, slots[position]);
            }
        });
        return kept;
    }

    /**
     * Splits out only the fields whose slot is kept, and stops after the last one: the same
     * fields {@link #fields} gives, without a substring for every other one. A short row leaves
     * the missing cells null ({@link #get} reads them as "").
     */
    static String[] keptFields(String text, int start, int end, char separator, int[] slots, int kept) {
        String[] out = new String[kept];
        int last = slots.length - 1;
        while (last >= 0 && slots[last] < 0) {
            last--;
        }
        int index = 0;
        int fieldStart = start;
        for (int i = start; i <= end && index <= last; i++) {
            if (i == end || text.charAt(i) == separator) {
                if (separator == ' ' && i == fieldStart) {
                    fieldStart = i + 1; // runs of spaces separate one field
                    continue;
                }
                if (separator != ' ' || i > fieldStart) {
                    if (slots[index] >= 0) {
                        out[slots[index]] = text.substring(fieldStart, i);
                    }
                    index++;
                }
                fieldStart = i + 1;
            }
        }
        return out;
    }

    private static boolean fieldIs(String text, int start, int end, char separator, int index, String value) {
        // compared in place: filtering a whole dump on srv_name must not cost a substring a row
        long bounds = fieldBounds(text, start, end, separator, index);
        if (bounds < 0) {
            return value.isEmpty();
        }
        int from = (int) (bounds >>> 32);
        int to = (int) bounds;
        return to - from == value.length() && text.regionMatches(from, value, 0, value.length());
    }

    /** The index-th field of the row {@code text[start, end)}, found without splitting the whole row. */
    static String field(String text, int start, int end, char separator, int index) {
        long bounds = fieldBounds(text, start, end, separator, index);
        return bounds < 0 ? "" : text.substring((int) (bounds >>> 32), (int) bounds);
    }

    /**
     * Where the index-th field of the row {@code text[start, end)} starts and ends (start in the
     * high 32 bits, end in the low ones), or -1 when the row has fewer fields. Spaces separate
     * like HAProxy's spaced tables: several count as one.
     */
    private static long fieldBounds(String text, int start, int end, char separator, int index) {
        int fieldStart = start;
        int seen = 0;
        for (int i = start; i <= end; i++) {
            if (i == end || text.charAt(i) == separator) {
                if (separator == ' ' && i == fieldStart) {
                    fieldStart = i + 1;
                    continue;
                }
                if (seen == index) {
                    return (long) fieldStart << 32 | i;
                }
                seen++;
                fieldStart = i + 1;
            }
        }
        return -1;
    }

    private static Map<String, Integer> header(String line, char separator) {
        Map<String, Integer> columns = new HashMap<>();
        String[] names = fields(line, 0, line.length(), separator, 16);
        for (int i = 0; i < names.length; i++) {
            columns.putIfAbsent(names[i], i);
        }
        return columns;
    }

    /** Splits without regular expressions: the full stat dump of a big HAProxy is tens of MB. */
    static String[] fields(String text, int start, int end, char separator, int expected) {
        List<String> out = new ArrayList<>(expected + 1);
        int fieldStart = start;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == separator) {
                if (separator != ' ' || i > fieldStart) {
                    out.add(text.substring(fieldStart, i));
                }
                fieldStart = i + 1;
            }
        }
        if (fieldStart < end) {
            out.add(text.substring(fieldStart, end));
        }
        return out.toArray(new String[0]);
    }

    public List<String[]> rows() {
        return rows;
    }

    /**
     * Refuses a table without the columns an answer cannot do without. Without this, an answer
     * that is not HAProxy's (a wrong socket, a proxy in between) would read as "no rows": a
     * backend without servers, which is a lie.
     */
    public Table require(String what, String... needed) {
        for (String column : needed) {
            if (!header.contains(column)) {
                throw new HapcException(ErrorKind.HAPROXY, "HAProxy's answer to '" + what + "' has no column '"
                        + column + "': is this the admin socket of an HAProxy 1.8 or later?");
            }
        }
        return this;
    }

    public boolean has(String column) {
        return header.contains(column);
    }

    /** The cell, or "" when the column is absent in this HAProxy version or the row is short. */
    public String get(String[] row, String column) {
        Integer index = columns.get(column);
        if (index == null && header.contains(column)) {
            // a reader asking for a column it did not keep: a programming error, never "absent"
            throw new IllegalStateException("column '" + column + "' was not kept when the table was read");
        }
        return index == null || index >= row.length || row[index] == null ? "" : row[index];
    }

    public long number(String[] row, String column) {
        String value = get(row, column);
        if (value.isEmpty() || value.equals("-")) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new HapcException(ErrorKind.HAPROXY, "HAProxy printed '" + value + "' in column " + column
                    + " where a number was expected");
        }
    }
}
