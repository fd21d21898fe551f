package hapc.config;

import java.util.List;

/**
 * One section of the config as written: its keyword, its name (null for {@code global} and an
 * unnamed {@code defaults}), the defaults section it names with {@code from} (or null), and its
 * lines in order.
 */
public record Section(SectionKind kind, String name, String from, Origin origin, List<Directive> directives) {
    /** "backend web (haproxy.cfg:12)", for messages. */
    public String describe() {
        return kind.keyword() + (name == null ? "" : " " + name) + " (" + origin + ")";
    }
}
