package hapc.runtime;

import hapc.ErrorKind;
import hapc.HapcException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the bytes of one exchange into the lines of each command's answer as they arrive. Each
 * answer ends with an empty line; the bytes of a line cut between two reads are carried over,
 * and a line is decoded on its own (a newline byte is never part of a UTF-8 sequence).
 */
final class AnswerSplitter {
    private final int commands;
    private final AdminSocket.AnswerLines lines;
    /** The first line of each answer: what tells an old HAProxy's "Unknown command" from a cut answer. */
    private final String[] firstLines;
    private int command;
    private boolean lineSeen;
    private byte[] carried = new byte[256];
    private int carriedLength;

    AnswerSplitter(int commands, AdminSocket.AnswerLines lines) {
        this.commands = commands;
        this.lines = lines;
        this.firstLines = new String[commands];
    }

    /**
     * The complete lines of a read are decoded as one String and cut with {@code indexOf}, not
     * byte by byte: a short call runs this loop in the interpreter, where a Java loop over the
     * 230 kB of a 10,000-backend look-up cost ~20 ms, and the JDK's String methods are
     * intrinsics. Only the bytes after the read's last newline are carried over.
     */
    void feed(byte[] buffer, int length) {
        int last = length - 1;
        while (last >= 0 && buffer[last] != '\n') {
            last--;
        }
        if (last < 0) {
            carry(buffer, 0, length);
            return;
        }
        String text;
        if (carriedLength > 0) {
            carry(buffer, 0, last + 1);
            text = new String(carried, 0, carriedLength, StandardCharsets.UTF_8);
            carriedLength = 0;
        } else {
            text = new String(buffer, 0, last + 1, StandardCharsets.UTF_8);
        }
        int from = 0;
        int end = text.length(); // the text ends with its last newline
        while (from < end && command < commands) {
            int newline = text.indexOf('\n', from);
            line(newline == from ? "" : text.substring(from, newline));
            from = newline + 1;
        }
        carry(buffer, last + 1, length);
    }

    private void carry(byte[] buffer, int from, int to) {
        if (to > from && command < commands) {
            if (carriedLength + to - from > carried.length) {
                carried = Arrays.copyOf(carried, Math.max(carried.length * 2, carriedLength + to - from));
            }
            System.arraycopy(buffer, from, carried, carriedLength, to - from);
            carriedLength += to - from;
        }
    }

    private void line(String line) {
        if (command >= commands) {
            return; // past the last answer: nothing was asked for it
        }
        if (line.isEmpty()) {
            command++;
            lineSeen = false;
            return;
        }
        if (!lineSeen) {
            firstLines[command] = line;
            lineSeen = true;
        }
        lines.line(command, line);
    }

    /** After the connection closed: every command must have had its whole answer. */
    void end(List<String> sent, SocketTarget target, long bytes) {
        if (command >= commands) {
            return;
        }
        if (carriedLength > 0) {
            line(new String(carried, 0, carriedLength, StandardCharsets.UTF_8));
            carriedLength = 0;
        }
        // An old HAProxy may hang up right after "Unknown command": say that, not "cut off".
        for (int i = 0; i <= command && i < commands; i++) {
            Answer first = new Answer(sent.get(i), firstLines[i] == null ? "" : firstLines[i]);
            if (first.isUnknownCommand()) {
                throw RuntimeApi.refused(first);
            }
        }
        throw new HapcException(ErrorKind.HAPROXY, "HAProxy's answer at " + target + " was cut off after "
                + command + " of " + commands + " commands (" + bytes + " bytes)");
    }
}
