package hapc.runtime;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One command's answer read as a table while its lines arrive ({@code show stat},
 * {@code show servers state}). An answer that starts with a severity ({@code [3]: ...}) is no
 * table: it is kept as text and, when it is an error, turned into the exception that fits. The
 * reader is made when the first line comes and let go once the answer is checked: a line of
 * 10,000 commands does not keep 10,000 readers.
 */
final class TableAnswer {
    private final String command;
    private final Supplier<Table.Reader> readers;
    private Table.Reader reader;
    private final Function<Answer, RuntimeException> onError;
    private StringBuilder refusal;
    private boolean started;

    TableAnswer(String command, Supplier<Table.Reader> readers, Function<Answer, RuntimeException> onError) {
        this.command = command;
        this.readers = readers;
        this.onError = onError;
    }

    String command() {
        return command;
    }

    void line(String line) {
        if (!started) {
            started = true;
            reader = readers.get();
            if (line.startsWith("[")) {
                refusal = new StringBuilder(line);
                return;
            }
        }
        if (refusal != null) {
            refusal.append('\n').append(line);
        } else {
            reader.line(line);
        }
    }

    /**
     * After the whole answer: the table, with these columns, or HAProxy's refusal thrown; null when
     * the error function made the refusal no error (returned null: "no such backend" where a
     * missing backend is expected).
     */
    Table finish(String... needed) {
        if (refusal != null) {
            reader = null;
            Answer answer = new Answer(command, refusal.toString());
            if (!answer.isError()) {
                throw RuntimeApi.refused(answer);
            }
            RuntimeException error = onError.apply(answer);
            if (error == null) {
                return null;
            }
            throw error;
        }
        Table.Reader read = reader == null ? readers.get() : reader;
        reader = null;
        return read.table().require(command, needed);
    }
}
