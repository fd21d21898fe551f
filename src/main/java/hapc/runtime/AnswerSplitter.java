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

    void feed(byte[] buffer, int length) {
        int from = 0;
        for (int i = 0; i < length; i++) {
            if (buffer[i] == '\n') {
                if (carriedLength > 0) {
                    carry(buffer, from, i);
                    line(new String(carried, 0, carriedLength, StandardCharsets.UTF_8));
                    carriedLength = 0;
                } else {
                    line(i == from ? "" : new String(buffer, from, i - from, StandardCharsets.UTF_8));
                }
                from = i + 1;
            }
        }
        carry(buffer, from, length);
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
