package hapc.output.text;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How one JSON value reads in a table cell or after a label. */
final class Values {
    private Values() {
    }

    static String show(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Collection<?> list) {
            return list.isEmpty() ? "-" : list.stream().map(Values::show).collect(Collectors.joining(", "));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + "=" + show(e.getValue()))
                    .collect(Collectors.joining(" "));
        }
        String text = value.toString();
        return text.isEmpty() ? "-" : text;
    }

    /** "10.0.0.1:80", "[::1]:80", or just the address when there is no port. */
    static String address(Object address, Object port) {
        if (address == null) {
            return null;
        }
        String host = address.toString().contains(":") ? "[" + address + "]" : address.toString();
        return port == null ? address.toString() : host + ":" + port;
    }

    /** "haproxy.cfg:12" for something read from a config file. */
    static String origin(Object file, Object line) {
        if (file == null) {
            return null;
        }
        String name = file.toString();
        return line == null ? name : name + ":" + line;
    }

    static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(Object value) {
        if (!(value instanceof Collection<?> list)) {
            return List.of();
        }
        return list.stream().filter(Map.class::isInstance).map(item -> (Map<String, Object>) item).toList();
    }
}
