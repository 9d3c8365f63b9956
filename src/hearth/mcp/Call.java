package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

// One running request, as its handler sees it: progress and log notifications that go out on the
// request's own stream, cancellation (a flag, hooks such as aborting a backend request, and an
// interrupt), and the client's roots. Once the request has finished, nothing more is sent for it.
public final class Call {
    private static final List<String> LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    final Object id;
    private final Object progressToken;
    private final String logLevel;           // lowest level the client wants; null: send none
    private final Consumer<Map<String, Object>> out;
    private final Session session;
    private final List<Runnable> cancelHooks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    private volatile boolean finished;
    private boolean committed;               // guarded by this: see commit
    private volatile Thread thread;
    private double lastProgress = Double.NEGATIVE_INFINITY;

    Call(Object id, Object progressToken, String logLevel, Consumer<Map<String, Object>> out, Session session) {
        this.id = id;
        this.progressToken = progressToken;
        this.logLevel = logLevel;
        this.out = out;
        this.session = session;
    }

    /** A call with no client behind it (the `call` command): progress and logs go nowhere. */
    public static Call detached() {
        return new Call(0L, null, null, m -> {}, new Session());
    }

    public boolean wantsProgress() {
        return progressToken != null;
    }

    /** Sends notifications/progress; progress must rise (MCP basic/utilities/progress), so a value that does not is dropped. */
    public synchronized void progress(double progress, Double total, String message) {
        if (progressToken == null || finished || cancelled || progress <= lastProgress) return;
        lastProgress = progress;
        var params = Json.obj("progressToken", progressToken, "progress", progress);
        if (total != null) params.put("total", total);
        if (message != null) params.put("message", message);
        out.accept(Rpc.notification(Rpc.PROGRESS, params));
    }

    /** Sends notifications/message when the client asked for this level or a lower one. */
    public void log(String level, Object data) {
        if (logLevel == null || finished || LEVELS.indexOf(level) < LEVELS.indexOf(logLevel)) return;
        out.accept(Rpc.notification(Rpc.MESSAGE, Json.obj("level", level, "logger", "hearth", "data", data)));
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Ends the part of the call a cancel can stop: false when the client has cancelled already;
     * after true, a cancel is ignored and the response goes out. A handler calls it just before a
     * change the client must hear of (a session turn written to disk) and makes it only on true,
     * so a cancel that arrives after the model answered cannot leave a turn the client never saw.
     */
    public synchronized boolean commit() {
        if (cancelled) return false;
        committed = true;
        return true;
    }

    /** Runs `hook` when the client cancels (at once if it already has): abort a backend request, stop a generation. */
    public void onCancel(Runnable hook) {
        cancelHooks.add(hook);
        if (cancelled) hook.run();
    }

    /** The client's roots as file URIs (roots/list), or an empty list when it declares no roots capability. */
    public List<String> roots() throws InterruptedException {
        return session.roots(out);
    }

    void cancel() {
        synchronized (this) {
            if (cancelled || finished || committed) return;
            cancelled = true;
        }
        for (Runnable hook : cancelHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                System.err.println("hearth: a cancel hook failed: " + e);
            }
        }
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    void start() {
        thread = Thread.currentThread();
    }

    void finish() {
        finished = true;
        thread = null;
        Thread.interrupted(); // a late cancel must not leak its interrupt into the next task on this worker
    }

    static boolean isLevel(Object level) {
        return level instanceof String s && LEVELS.contains(s);
    }
}
