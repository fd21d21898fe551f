package hapc.host;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import hapc.ErrorKind;
import hapc.HapcException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The holds of one HAProxy, one JSON file next to its lock:
 * {@code {"haproxy": KEY, "holds": {"backend/server": [{owner, reason, since, action}, ...]}}}.
 * Written only under the HAProxy's lock, atomically (a temporary file in the same directory,
 * flushed to disk, renamed over the old one), so a reader without the lock sees the old or the
 * new store, never half of one. A store that cannot be read or parsed is an error: treating it
 * as empty would silently let anybody undo an operator's maintenance.
 */
public final class HoldStore {
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final String haproxyKey;

    public HoldStore(StateDir dir, String haproxyKey) {
        this.file = dir.fileFor(haproxyKey, "holds.json");
        this.haproxyKey = haproxyKey;
    }

    public Path file() {
        return file;
    }

    /** Every hold, by "backend/server"; empty when there is no store yet. */
    public Map<String, List<Hold>> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (AccessDeniedException e) {
            throw new HapcException(ErrorKind.PERMISSION, "cannot read hapc's hold store " + file
                    + ": permission denied");
        } catch (IOException e) {
            throw corrupt("cannot be read: " + e.getMessage());
        }
        try (JsonParser parser = JSON.createParser(bytes)) {
            return parse(parser);
        } catch (IOException | RuntimeException e) {
            throw corrupt("is not a valid hold store: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private HapcException corrupt(String what) {
        return new HapcException(ErrorKind.CONFIG, "hapc's hold store " + file + " " + what
                + "; nothing was changed. Repair or remove it (removing it forgets every hold on this HAProxy)");
    }

    private static Map<String, List<Hold>> parse(JsonParser parser) throws IOException {
        Map<String, List<Hold>> holds = new LinkedHashMap<>();
        expect(parser.nextToken(), JsonToken.START_OBJECT);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!field.equals("holds")) {
                parser.skipChildren();
                continue;
            }
            expect(value, JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String server = parser.currentName();
                expect(parser.nextToken(), JsonToken.START_ARRAY);
                List<Hold> list = new ArrayList<>();
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    list.add(hold(parser));
                }
                holds.put(server, list);
            }
        }
        if (parser.nextToken() != null) {
            throw new IOException("something follows the document");
        }
        return holds;
    }

    private static Hold hold(JsonParser parser) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            fields.put(name, token == JsonToken.VALUE_NULL ? null : parser.getValueAsString());
        }
        if (fields.get("owner") == null || fields.get("since") == null || fields.get("action") == null) {
            throw new IOException("a hold without owner, since or action");
        }
        return new Hold(fields.get("owner"), fields.get("reason"), fields.get("since"), fields.get("action"));
    }

    private static void expect(JsonToken got, JsonToken wanted) throws IOException {
        if (got != wanted) {
            throw new IOException("expected " + wanted + ", found " + got);
        }
    }

    /** Replaces the store; call only under the HAProxy's lock. */
    public void write(Map<String, List<Hold>> holds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("haproxy", haproxyKey);
            json.writeObjectFieldStart("holds");
            for (Map.Entry<String, List<Hold>> entry : holds.entrySet()) {
                if (entry.getValue().isEmpty()) {
                    continue;
                }
                json.writeArrayFieldStart(entry.getKey());
                for (Hold hold : entry.getValue()) {
                    json.writeStartObject();
                    json.writeStringField("owner", hold.owner());
                    json.writeStringField("reason", hold.reason());
                    json.writeStringField("since", hold.since());
                    json.writeStringField("action", hold.action());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.write('\n');
        Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(out.toByteArray()));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a directory; the rename is still atomic
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temporary file is only litter
            }
            throw new HapcException(ErrorKind.CONFIG, "cannot write hapc's hold store " + file + ": " + e);
        }
    }
}
