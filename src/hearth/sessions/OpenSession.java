package hearth.sessions;

import hearth.config.Config;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

// A session held by one call, from SessionStore.open until close: its turns as read, and the only
// way to add a turn or clear it. While it is open no other call, in this process or another
// hearth, can touch the same session. The turn and byte limits are checked here.
public final class OpenSession implements AutoCloseable {
    private final String id;
    private final Path file;
    private final FileChannel lockFile;
    private final ReentrantLock lock;
    private SessionFile.Contents contents;

    OpenSession(String id, Path file, SessionFile.Contents contents, FileChannel lockFile, ReentrantLock lock) {
        this.id = id;
        this.file = file;
        this.contents = contents;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    public String id() {
        return id;
    }

    public List<Turn> turns() {
        return contents.turns();
    }

    /** The system prompt the first turn stored, or null. */
    public String system() {
        return turns().isEmpty() ? null : turns().get(0).system();
    }

    /** Why one more turn of `message` does not fit (a message that says how to go on), or null when it does. */
    public String limitReached(String message) {
        if (turns().size() >= Config.MAX_SESSION_TURNS) {
            return "session " + id + " has " + turns().size() + " turns, the limit; send reset: true or use a new session_id";
        }
        long bytes = contents.validBytes() + message.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Config.MAX_SESSION_BYTES) {
            return "session " + id + " holds " + contents.validBytes() + " bytes and this message would take it past the limit of "
                    + Config.MAX_SESSION_BYTES + "; send reset: true or use a new session_id";
        }
        return null;
    }

    /** Appends a turn and returns it once it is on disk. `system` is kept only on a session's first turn. */
    public Turn append(String model, String system, String user, String assistant) throws IOException {
        var turn = new Turn(turns().size() + 1, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), model,
                turns().isEmpty() ? system : null, user, assistant);
        SessionFile.append(file, contents, turn);
        var turns = new ArrayList<>(turns());
        turns.add(turn);
        long size = contents.validBytes() + (turn.toLine() + "\n").getBytes(StandardCharsets.UTF_8).length;
        contents = new SessionFile.Contents(List.copyOf(turns), size, null);
        return turn;
    }

    /** Deletes the session; a turn appended afterwards starts it again, with its own system prompt. */
    public void clear() throws IOException {
        SessionFile.delete(file);
        contents = SessionFile.Contents.EMPTY;
    }

    @Override
    public void close() throws IOException {
        try {
            lockFile.close();   // releases the file lock
        } finally {
            lock.unlock();
        }
    }
}
