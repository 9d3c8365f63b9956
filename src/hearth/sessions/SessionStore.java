package hearth.sessions;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

// The sessions folder (<HEARTH_HOME>/sessions, 0700): one <id>.jsonl per session (see SessionFile),
// ids that cannot leave the folder, and the locks that serialise a session's turns: a lock per id
// inside this process and a file lock (.<id>.lock) between hearth processes. Different sessions
// never wait for each other. Limits and what a turn means belong to the caller.
public final class SessionStore {
    public static final String ID_RULE = "1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with '.'"
            + " and not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9)";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    // Windows opens the device for these names whatever follows the first dot ("con.jsonl" is the console)
    private static final Pattern DEVICE = Pattern.compile("(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\\..*)?");
    private static final String SUFFIX = ".jsonl";

    // One JVM may not hold two locks on one file (OverlappingFileLockException), so these are shared by
    // every store and keyed by the lock file's lower-cased path: a case-insensitive file system makes
    // "A" and "a" one file.
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path dir;

    public SessionStore(Path dir) {
        this.dir = dir;
    }

    public static boolean isValidId(String id) {
        // no '/', '\\', ':' or leading '.': never "..", never a hidden lock file; no device: the same folder on every OS
        return id != null && ID.matcher(id).matches() && !DEVICE.matcher(id).matches();
    }

    /**
     * Waits for the session's locks, then reads it; the caller closes the result to release them.
     * A torn last line is reported on stderr here and cut off by the next append.
     */
    public OpenSession open(String id) throws IOException, InterruptedException {
        requireValid(id);
        createDir();
        Path lockPath = dir.resolve("." + id + ".lock");
        ReentrantLock lock = LOCKS.computeIfAbsent(lockPath.toAbsolutePath().toString().toLowerCase(Locale.ROOT), k -> new ReentrantLock());
        lock.lockInterruptibly();   // a cancelled call stops waiting
        FileChannel lockFile = null;
        try {
            lockFile = FileChannel.open(lockPath, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE), SessionFile.privateFile(dir));
            lockFile.lock();        // another hearth process on this session waits here; the OS frees it if that process dies
            Path file = file(id);
            SessionFile.Contents contents = SessionFile.read(file);
            if (contents.torn() != null) {
                System.err.println("hearth: session " + id + ": skipped the last line of " + file + " (" + contents.torn()
                        + ", most likely a crash mid-write; that turn was never answered); it is cut off before the next turn is written");
            }
            return new OpenSession(id, file, contents, lockFile, lock);
        } catch (IOException | RuntimeException e) {
            if (lockFile != null) lockFile.close();   // closing the channel releases the file lock
            lock.unlock();
            throw e;
        }
    }

    /** The turns of a session without taking its locks (for readers); empty when there is no such session. */
    public Optional<List<Turn>> read(String id) throws IOException {
        if (!isValidId(id) || !Files.exists(file(id))) return Optional.empty();
        return Optional.of(SessionFile.read(file(id)).turns());   // a line being written right now reads as torn and is left out
    }

    /** Ids of the sessions on disk, sorted so paged lists are stable. */
    public List<String> ids() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .map(n -> n.substring(0, n.length() - SUFFIX.length())).filter(SessionStore::isValidId).sorted().toList();
        }
    }

    private Path file(String id) {
        return dir.resolve(id + SUFFIX);
    }

    private static void requireValid(String id) {
        if (!isValidId(id)) throw new IllegalArgumentException("session id must be " + ID_RULE + ", got \"" + id + "\"");
    }

    /** Creates the folder rwx------ (where POSIX), and tightens one that a user or an older tool made wider. */
    private void createDir() throws IOException {
        if (!SessionFile.isPosix(dir)) {
            Files.createDirectories(dir);
            return;
        }
        var owner = PosixFilePermissions.fromString("rwx------");
        if (!Files.isDirectory(dir)) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
        if (!Files.getPosixFilePermissions(dir).equals(owner)) Files.setPosixFilePermissions(dir, owner);
    }
}
