package hearth.sessions;

import hearth.config.Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

// One session's <id>.jsonl, one Turn a line. Reads spot a torn last line (a process killed
// mid-append) and skip it; the next append cuts it off first, so the file is valid JSONL again.
// Appends write one whole line and force it to disk before returning. No locking here: callers
// hold SessionStore's locks for anything that writes.
//
//   {"turn":1,...}\n{"turn":2,...}\n{"turn":3,"us      <- torn: no newline
//   |------------ validBytes -------|
final class SessionFile {
    // A file this big was not written by hearth's appends (they stop near MAX_SESSION_BYTES plus one
    // reply); refusing it keeps a stray huge file from being read into memory on every turn.
    static final long MAX_READ_BYTES = 4L * Config.MAX_SESSION_BYTES;

    /** What a read found. `torn` says why the tail after validBytes was skipped, or is null when there is none. */
    record Contents(List<Turn> turns, long validBytes, String torn) {
        static final Contents EMPTY = new Contents(List.of(), 0, null);
    }

    private SessionFile() {}

    static Contents read(Path file) throws IOException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_READ_BYTES) {
                throw new IOException(file + " is " + size + " bytes, more than hearth reads (" + MAX_READ_BYTES
                        + "); move the file away or send reset: true to clear the session");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Contents.EMPTY;
        }
        var turns = new ArrayList<Turn>();
        int start = 0;
        for (int line = 1; start < bytes.length; line++) {
            int newline = indexOfNewline(bytes, start);
            if (newline < 0) return new Contents(turns, start, "line " + line + " has no newline: a write cut short");
            String text = new String(bytes, start, newline - start, StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                try {
                    turns.add(Turn.parse(text));
                } catch (RuntimeException e) {
                    if (newline + 1 < bytes.length) {   // a bad line with turns after it is damage, not a crash mid-append
                        throw new IOException(file + " line " + line + " is not a session turn: " + e.getMessage()
                                + "; fix or delete that line, or send reset: true to clear the session");
                    }
                    return new Contents(turns, start, "line " + line + " is not a session turn: " + e.getMessage());
                }
            }
            start = newline + 1;
        }
        return new Contents(turns, start, null);
    }

    /** Writes `turn` as the line after `before.validBytes` (cutting off a torn tail) and forces it to disk. */
    static void append(Path file, Contents before, Turn turn) throws IOException {
        boolean created = !Files.exists(file);
        var options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        try (var channel = FileChannel.open(file, options, privateFile(file))) {
            if (channel.size() > before.validBytes()) channel.truncate(before.validBytes());
            channel.position(before.validBytes());
            ByteBuffer line = StandardCharsets.UTF_8.encode(turn.toLine() + "\n");
            while (line.hasRemaining()) channel.write(line);   // one write call for the whole line in practice
            channel.force(true);
        }
        if (created) forceDirectory(file.getParent());
    }

    static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) forceDirectory(file.getParent());
    }

    /** rw------- where the file system has POSIX permissions; nothing (the platform default) elsewhere. */
    static FileAttribute<?>[] privateFile(Path file) {
        return isPosix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                             : new FileAttribute<?>[0];
    }

    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Makes a created or deleted name durable too (fsync of the folder); not possible on every OS, so best effort. */
    private static void forceDirectory(Path dir) {
        try (var channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows cannot open a directory as a channel; its file system journals the name anyway
        }
    }

    private static int indexOfNewline(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == '\n') return i;
        return -1;
    }
}
