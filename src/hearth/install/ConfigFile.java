package hearth.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

// Reading, backing up and replacing one file without ever leaving it half-written: a temp file in
// the same directory, then an atomic rename (STYLE §4.8). A symlinked config (dotfile managers) is
// written through to its target. Permissions of an existing file are kept.
final class ConfigFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private ConfigFile() {}

    /** The file's text, or null when it does not exist. */
    static String read(Path file) throws IOException {
        Path real = target(file);
        return Files.exists(real) ? Files.readString(real, StandardCharsets.UTF_8) : null;
    }

    /** Copies `file` to `backups/<time>-<label>-<name>` and returns the copy. */
    static Path backup(Path file, Path backups, String label) throws IOException {
        Files.createDirectories(backups);
        Path copy = backups.resolve(LocalDateTime.now().format(STAMP) + "-" + label + "-" + file.getFileName());
        Files.copy(target(file), copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }

    /** Replaces `file` with `text` atomically. `secret`: a new file gets owner-only permissions. */
    static void write(Path file, String text, boolean secret) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8), secret ? "rw-------" : "rw-r--r--");
    }

    static void write(Path file, byte[] bytes, String newFilePermissions) throws IOException {
        Path real = target(file);
        Path dir = real.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + real.getFileName(), ".tmp");
        try {
            Files.write(temp, bytes);
            setPermissions(temp, Files.exists(real) ? null : newFilePermissions, real);
            try {
                Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, real, StandardCopyOption.REPLACE_EXISTING);  // some network file systems; still a whole-file swap
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static void delete(Path file) throws IOException {
        Files.deleteIfExists(target(file));
    }

    // Where a write must land: the end of a symlink chain, so the link itself stays a link.
    private static Path target(Path file) throws IOException {
        Path p = file;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
            Path link = Files.readSymbolicLink(p);
            p = p.toAbsolutePath().getParent().resolve(link);
        }
        return p;
    }

    private static void setPermissions(Path temp, String newFile, Path existing) throws IOException {
        var view = Files.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return;  // not POSIX (Windows): the directory's ACL applies
        Set<PosixFilePermission> perms = newFile != null ? PosixFilePermissions.fromString(newFile) : Files.getPosixFilePermissions(existing);
        view.setPermissions(perms);
    }
}
