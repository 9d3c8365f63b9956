package hearth.tools;

import hearth.backend.Timers;
import hearth.backend.Tokens;
import hearth.mcp.Call;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

// notifications/progress for one streamed generation: one per arriving chunk at most every
// 100 ms, with a short message (tokens so far, tok/s), and a heartbeat whenever nothing was sent
// for 5 s, so a client that resets its idle timer on progress never times out while the backend
// reads a long prompt. Progress is a count of events, so it only rises (MCP basic/utilities/progress).
final class Progress implements Tokens, AutoCloseable {
    static final long MIN_INTERVAL_NANOS = 100_000_000;   // a notification per chunk would flood a client at 100+ tok/s
    static final long HEARTBEAT_MILLIS = 5_000;          // Claude Code's idle timer is 60 s; well inside it
    private static final ScheduledExecutorService TIMER = Timers.daemon("hearth-heartbeat");

    private final Call call;
    private final String model;
    private final long started = System.nanoTime();
    private long ticks;
    private long chunks;
    private long firstAt;
    private long lastSentAt;
    private final ScheduledFuture<?> heartbeat;

    Progress(Call call, String model) {
        this.call = call;
        this.model = model;
        this.lastSentAt = started;
        this.heartbeat = call.wantsProgress() ? TIMER.scheduleAtFixedRate(this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS) : null;
        if (call.wantsProgress()) send(System.nanoTime(), "sending the prompt to " + model);
    }

    @Override
    public synchronized void accept(String content, String reasoning) {
        long now = System.nanoTime();
        chunks++;
        if (firstAt == 0) firstAt = now;
        if (!call.wantsProgress() || (chunks > 1 && now - lastSentAt < MIN_INTERVAL_NANOS)) return;
        double secs = (now - firstAt) / 1e9;
        String speed = chunks > 1 && secs > 0 ? " · " + Report.fixed((chunks - 1) / secs, 1) + " tok/s" : "";
        send(now, model + (content.isEmpty() && !reasoning.isEmpty() ? " thinking: " : ": ") + chunks + " tokens" + speed);
    }

    @Override
    public void close() {
        if (heartbeat != null) heartbeat.cancel(false);
    }

    private synchronized void beat() {
        long now = System.nanoTime();
        if (now - lastSentAt < HEARTBEAT_MILLIS * 1_000_000 - MIN_INTERVAL_NANOS) return;
        long waited = (now - started) / 1_000_000_000;
        send(now, chunks == 0 ? "waiting for " + model + " to read the prompt (" + waited + " s)" : model + ": " + chunks + " tokens, still generating (" + waited + " s)");
    }

    private void send(long now, String message) {
        lastSentAt = now;
        call.progress(++ticks, null, message);
    }
}
