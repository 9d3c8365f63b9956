package hearth.transport;

import hearth.mcp.Session;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

// The legacy-era HTTP sessions: Mcp-Session-Id → the Session initialize negotiated. Ids are 192
// random bits from SecureRandom in base64url (visible ASCII, MCP transports "Session Management").
// Capped in number; a session unused for the idle limit, with nothing running, is ended when next
// looked up or when room is needed. Ending one cancels its calls and closes its GET stream.
final class HttpSessions {
    private static final int ID_BYTES = 24;
    /** Put on a waiting exchange's queue when its request will never be answered (cancelled, or the session ended). */
    static final Map<String, Object> ENDED = Collections.unmodifiableMap(new HashMap<>());

    private final Map<String, Entry> table = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int max;
    private final long idleNanos;

    HttpSessions(int max, Duration idle) {
        this.max = max;
        this.idleNanos = idle.toNanos();
    }

    /** One session: its protocol state, how many exchanges use it now, and its GET stream slot. */
    static final class Entry {
        final String id;
        final Session session = new Session();
        private final AtomicInteger busy = new AtomicInteger();
        private final AtomicBoolean streamOpen = new AtomicBoolean();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Map<Object, Queue<Map<String, Object>>> waiting = new ConcurrentHashMap<>();   // request id → its exchange
        private volatile long lastUsed = System.nanoTime();

        private Entry(String id) {
            this.id = id;
        }

        void begin() {
            busy.incrementAndGet();
            lastUsed = System.nanoTime();
        }

        void end() {
            lastUsed = System.nanoTime();
            busy.decrementAndGet();
        }

        /** Registers the exchange waiting for request `id`'s answer; false when that id is already in flight. */
        boolean await(Object id, Queue<Map<String, Object>> answers) {
            return waiting.putIfAbsent(id, answers) == null;
        }

        void answered(Object id, Queue<Map<String, Object>> answers) {
            waiting.remove(id, answers);
        }

        /** notifications/cancelled: the request sends nothing more, so its exchange must end without a response. */
        void cancelled(Object id) {
            var answers = waiting.get(id);
            if (answers != null) answers.add(ENDED);
        }

        /** Takes the session's one GET stream slot; false when a stream is already open (409). */
        boolean openStream() {
            if (!streamOpen.compareAndSet(false, true)) return false;
            begin();
            return true;
        }

        void closeStream() {
            streamOpen.set(false);
            end();
        }

        /** Waits up to `time` for the session to end; true once it has. */
        boolean awaitEnd(Duration time) throws InterruptedException {
            return ended.await(time.toNanos(), TimeUnit.NANOSECONDS);
        }

        private boolean idle(long now, long idleNanos) {
            return busy.get() == 0 && now - lastUsed >= idleNanos;
        }
    }

    /** A new session, already begun (call end() when its initialize exchange is done); null when full. */
    synchronized Entry create() {
        if (table.size() >= max) sweep();
        if (table.size() >= max) return null;
        String id;
        do {
            byte[] bytes = new byte[ID_BYTES];
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (table.containsKey(id));
        var entry = new Entry(id);
        entry.begin();
        table.put(id, entry);
        return entry;
    }

    /** The live session with this id, or null when there is none or it has expired (and is now ended). */
    Entry find(String id) {
        Entry entry = table.get(id);
        if (entry == null) return null;
        if (entry.idle(System.nanoTime(), idleNanos)) {
            end(id);
            return null;
        }
        return entry;
    }

    boolean end(String id) {
        Entry entry = table.remove(id);
        if (entry == null) return false;
        entry.session.close();
        entry.ended.countDown();
        entry.waiting.values().forEach(answers -> answers.add(ENDED));
        return true;
    }

    void endAll() {
        table.keySet().forEach(this::end);
    }

    int size() {
        return table.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        table.forEach((id, entry) -> { if (entry.idle(now, idleNanos)) end(id); });
    }
}
