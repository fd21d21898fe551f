package hapc.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors in an operator's words. Jackson's own messages name its Java classes
 * and feature switches ("not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"),
 * which mean nothing to someone who wrote a playbook; the common failures get a plain sentence,
 * the rest are kept with the Java parts cut out. The line and column are always added.
 */
final class JsonErrors {
    /** "(bound as `...`)", "[Source: ...]" and similar asides that name Jackson internals. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*\\((?:[^()]|\\([^()]*\\))*`[^`]*`(?:[^()]|\\([^()]*\\))*\\)|\\s*\\[Source:[^\\]]*\\]|:?\\s*enable `[^`]*` to allow");

    private JsonErrors() {
    }

    static String describe(JsonProcessingException e) {
        String original = String.valueOf(e.getOriginalMessage());
        String plain;
        if (e instanceof JsonEOFException) {
            plain = "it ends in the middle of a value (cut off?)";
        } else if (e instanceof StreamConstraintsException) {
            plain = limit(original);
        } else if (original.startsWith("Trailing token")) {
            plain = "something follows the end of the document; exactly one JSON object is expected";
        } else {
            plain = INTERNALS.matcher(original).replaceAll("").strip();
        }
        return plain + location(e);
    }

    /** The parser's size limits, which a hostile document runs into first. */
    private static String limit(String original) {
        if (original.contains("nesting depth")) {
            return "it is nested deeper than " + JsonRequestReader.MAX_NESTING + " levels";
        }
        if (original.startsWith("Name length")) {
            return "a field name is too long (" + original.replaceAll("^Name length \\((\\d+)\\).*", "$1")
                    + " characters)";
        }
        if (original.startsWith("String value length")) {
            return "a string is too long";
        }
        if (original.startsWith("Number value length")) {
            return "a number has too many digits";
        }
        return INTERNALS.matcher(original).replaceAll("").strip();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
