package hearth.backend;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

// The clock over one HTTP exchange: a total deadline and a silence deadline (first chunk, then
// idle between chunks). Each chunk only writes a volatile; one scheduled check re-arms itself at
// the nearest deadline and, when one passes, runs `expire` (which closes the stream) and records which.
final class Deadline implements Runnable {
    private static final ScheduledExecutorService TIMER = Timers.daemon("hearth-deadline");

    private final long totalAt;
    private final long idleNanos;
    private final Runnable expire;
    private volatile long silentAt;
    private volatile String expired;      // "total", "first", "idle" once passed; null while running
    private volatile boolean first = true;
    private ScheduledFuture<?> task;

    /** `firstNanos`: allowed silence before the first chunk; `idleNanos` between later chunks. */
    Deadline(long totalNanos, long firstNanos, long idleNanos, Runnable expire) {
        long now = System.nanoTime();
        this.totalAt = now + totalNanos;
        this.silentAt = now + firstNanos;
        this.idleNanos = idleNanos;
        this.expire = expire;
        arm(now);
    }

    /** A chunk arrived: the silence clock restarts with the idle allowance. */
    void touch() {
        first = false;
        silentAt = System.nanoTime() + idleNanos;
    }

    String expired() {
        return expired;
    }

    boolean waitingForFirst() {
        return first;
    }

    synchronized void stop() {
        if (task != null) task.cancel(false);
        expired = expired == null ? "stopped" : expired;
    }

    @Override
    public synchronized void run() {
        if (expired != null) return;
        long now = System.nanoTime();
        if (now - totalAt >= 0) expired = "total";
        else if (now - silentAt >= 0) expired = first ? "first" : "idle";
        if (expired != null) expire.run();
        else arm(now);
    }

    private synchronized void arm(long now) {
        long next = Math.min(totalAt, silentAt) - now;
        task = TIMER.schedule(this, Math.max(next, 0) + 1_000_000, TimeUnit.NANOSECONDS); // +1 ms: land past, not at, the deadline
    }
}
