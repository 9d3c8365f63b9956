package hearth.backend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

// A switch that stops one backend request at once: the tool flips it when the client sends
// notifications/cancelled; the HTTP exchange registers how to tear itself down. Flipping it twice is harmless.
public final class Abort {
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private volatile boolean aborted;

    public void abort() {
        if (aborted) return;
        aborted = true;
        hooks.forEach(Runnable::run);
    }

    public boolean aborted() {
        return aborted;
    }

    /** Runs `hook` on abort, or at once if the switch is already flipped. */
    void onAbort(Runnable hook) {
        hooks.add(hook);
        if (aborted) hook.run();
    }

    /** As onAbort, but only until the returned handle is closed (interrupting a thread is only right while it waits for us). */
    Registration during(Runnable hook) {
        onAbort(hook);
        return () -> hooks.remove(hook);
    }

    interface Registration {
        void close();
    }
}
