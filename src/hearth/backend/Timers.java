package hearth.backend;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

// The one-thread timers hearth schedules small tasks on (deadlines, heartbeats): a daemon thread,
// so an idle timer never keeps the JVM alive, and cancelled tasks dropped at once, not at their time.
public final class Timers {
    private Timers() {}

    public static ScheduledExecutorService daemon(String threadName) {
        var timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName(threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
