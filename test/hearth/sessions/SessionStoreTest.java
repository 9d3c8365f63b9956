package hearth.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// SessionStore and SessionFile without a server: one session's opens wait for each other (in this
// JVM and across processes) while other sessions do not, damage before the last line is an error
// naming the line, the folder is tightened to 0700, and only valid ids are listed.
class SessionStoreTest {
    @TempDir Path dir;

    @Test
    void open_sameId_waitsUntilClosed_otherIdsDoNot() throws Exception {
        var store = new SessionStore(dir.resolve("sessions"));
        var waiter = new AtomicReference<Thread>();
        CompletableFuture<Integer> second;
        try (var first = store.open("a")) {
            first.append("m", null, "u", "a1");
            second = CompletableFuture.supplyAsync(() -> {
                waiter.set(Thread.currentThread());
                try (var s = new SessionStore(dir.resolve("sessions")).open("A")) {   // another store, and the case-folded twin
                    return s.turns().size();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            awaitStack(waiter, "ReentrantLock");
            assertFalse(second.isDone());
            try (var other = store.open("b")) {   // a different session opens at once
                assertEquals(0, other.turns().size());
            }
        }
        assertEquals(0, second.get(5, TimeUnit.SECONDS));   // "A.jsonl" is its own file on this file system
    }

    @Test
    void open_heldByAnotherProcess_waitsForItsTurn() throws Exception {
        Path sessions = dir.resolve("sessions");
        String classpath = "build/classes" + java.io.File.pathSeparator + "build/test-classes";   // the launcher's own class path is only junit
        var process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                HoldSession.class.getName(), sessions.toString(), "shared").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("held", out.readLine());
        var waiter = new AtomicReference<Thread>();
        var mine = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try (var s = new SessionStore(sessions).open("shared")) {
                return s.turns().size();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitStack(waiter, "FileChannelImpl.lock");   // blocked on the other process's file lock
        process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        assertEquals(1, mine.get(20, TimeUnit.SECONDS));   // it saw the turn the other process wrote while holding the session
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
    }

    @Test
    void read_damagedLineBeforeTheLast_isErrorNamingTheLine() throws Exception {
        Path file = Files.createDirectories(dir.resolve("sessions")).resolve("d.jsonl");
        String good = new Turn(1, null, null, null, "u", "a").toLine();
        Files.writeString(file, good + "\n{oops\n" + good + "\n");
        var e = assertThrows(IOException.class, () -> new SessionStore(dir.resolve("sessions")).open("d"));
        assertTrue(e.getMessage().startsWith(file + " line 2 is not a session turn: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; fix or delete that line, or send reset: true to clear the session"), e.getMessage());
    }

    @Test
    void read_unparsableLastLine_isSkippedAsTorn() throws Exception {
        Path file = Files.createDirectories(dir).resolve("t.jsonl");
        String good = new Turn(1, null, null, null, "u", "a").toLine();
        Files.writeString(file, good + "\n{\"turn\":2}\n");
        var contents = SessionFile.read(file);
        assertEquals(1, contents.turns().size());
        assertEquals(good.length() + 1, contents.validBytes());
        assertTrue(contents.torn().startsWith("line 2 is not a session turn"), contents.torn());
    }

    @Test
    void open_widerFolder_isTightenedTo0700() throws Exception {
        Path sessions = Files.createDirectories(dir.resolve("sessions"));
        Files.setPosixFilePermissions(sessions, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SessionStore(sessions).open("x").close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions)));
    }

    @Test
    void isValidId_windowsDeviceNames_refusedWhateverFollowsTheDot_lookalikesAllowed() {
        for (String id : List.of("con", "CON", "Prn", "aux", "nul", "com1", "COM9", "lpt1", "Lpt9", "con.notes", "nul.", "aux.x.y")) {
            assertFalse(SessionStore.isValidId(id), id);
        }
        for (String id : List.of("console", "con_1", "con-x", "nullish", "com10", "com0", "lpt0", "auxiliary", "my.con", "x.nul")) {
            assertTrue(SessionStore.isValidId(id), id);
        }
    }

    @Test
    void ids_listsValidSessionFilesOnly_sorted() throws Exception {
        Path sessions = Files.createDirectories(dir.resolve("sessions"));
        for (String name : List.of("b.jsonl", "a.jsonl", ".a.lock", "notes.txt", ".hidden.jsonl")) Files.writeString(sessions.resolve(name), "");
        assertEquals(List.of("a", "b"), new SessionStore(sessions).ids());
        assertEquals(List.of(), new SessionStore(dir.resolve("missing")).ids());
    }

    /** Spins (no sleep) until the thread in `ref` is parked inside `frame`, or fails after 10 s. */
    private static void awaitStack(AtomicReference<Thread> ref, String frame) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread t = ref.get();
            if (t != null && Arrays.stream(t.getStackTrace()).anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).contains(frame))) return;
            Thread.onSpinWait();
        }
        throw new AssertionError("the second open never waited in " + frame);
    }
}
