package hearth.backend;

import hearth.config.Config;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

// How long model lifecycle work may take: a load (HEARTH_LOAD_TIMEOUT), the budget a download is
// watched for before its job id and state are handed back (HEARTH_DOWNLOAD_BUDGET), and the pause
// between two status polls (HEARTH_POLL_INTERVAL). A pause ends at once when the request is aborted.
public record Polling(Duration load, Duration budget, Duration interval) {
    public static Polling of(Config config) {
        return new Polling(config.seconds("load_timeout"), config.seconds("download_budget"), config.seconds("poll_interval"));
    }

    /** Waits `wait` (at most one interval); returns early, with the abort flipped, on cancel or interrupt. */
    void pause(Abort abort, long waitNanos) {
        var wake = new CountDownLatch(1);
        abort.onAbort(wake::countDown);
        try {
            wake.await(Math.max(0, Math.min(waitNanos, interval.toNanos())), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort.abort();
        }
    }
}
