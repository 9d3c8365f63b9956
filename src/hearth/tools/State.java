package hearth.tools;

import hearth.json.Json;
import hearth.json.JsonException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

// ~/.hearth/state.json: what tools persist (set_model's model, the work-hours guard). Every change
// reads the file, changes one key and writes a temp file moved over the old one, so a crash
// mid-write leaves the old file whole and other keys are kept.
final class State {
    private State() {}

    static synchronized Map<String, Object> read(Path file) throws IOException {
        try {
            return new LinkedHashMap<>(Json.parseObject(Files.readString(file)));
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (JsonException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage() + " (fix the file or delete it; hearth rewrites it)", e);
        }
    }

    /** Sets `key` (null removes it) and writes the file atomically. */
    static synchronized void put(Path file, String key, Object value) throws IOException {
        Map<String, Object> state = read(file);
        if (value == null) state.remove(key);
        else state.put(key, value);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "state", ".tmp");
        try {
            Files.writeString(tmp, Json.write(state) + "\n");
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
