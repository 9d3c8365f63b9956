// A fixed team of daemon threads, one per core, that runs one job at a time split into contiguous
// ranges; the calling thread takes the first range itself. A token's forward pass hands out about
// 200 jobs a few microseconds apart, so between jobs the threads spin briefly before they park:
// the next job then starts without a futex wake, and an idle engine still sleeps.
package hearth.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

final class Workers {
    private static final long SPIN_NANOS = 100_000;     // longer than the gap between two matmuls

    interface Range {
        /** Runs [from, to) on the thread numbered {@code worker} (0 is the caller). */
        void run(int worker, int from, int to);
    }

    private final int count;
    private final Thread[] threads;                      // threads[0] is unused: the caller is worker 0
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int epoch;                          // bumped once per job; workers wait for a change
    private volatile Range body;
    private volatile int size;
    private volatile int tasks;
    private volatile Thread caller;
    private volatile Throwable failure;

    Workers(int count) {
        this.count = count;
        this.threads = new Thread[count];
        for (int i = 1; i < count; i++) {
            int worker = i;
            threads[i] = new Thread(() -> work(worker), "hearth-engine-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    /**
     * Runs body over [0, n) in at most {@code maxTasks} slices, and returns when all are done.
     * Every worker takes part in every job, with an empty slice if need be, so no worker can still
     * be reading one job's fields when the next job writes them.
     */
    synchronized void run(int n, int maxTasks, Range body) {
        int t = Math.max(1, Math.min(count, maxTasks));
        if (t == 1) {
            body.run(0, 0, n);
            return;
        }
        this.body = body;
        this.size = n;
        this.tasks = t;
        this.caller = Thread.currentThread();
        failure = null;
        pending.set(count - 1);
        epoch++;                                        // volatile write: publishes the fields above
        for (int i = 1; i < count; i++) LockSupport.unpark(threads[i]);
        body.run(0, 0, slice(n, 1, t));
        long start = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        this.body = null;                                // let the job's arrays go
        Throwable f = failure;
        if (f instanceof RuntimeException) throw (RuntimeException) f;
        if (f instanceof Error) throw (Error) f;
    }

    private void work(int worker) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (epoch == seen) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = epoch;
            int t = tasks;
            try {
                if (worker < t) body.run(worker, slice(size, worker, t), slice(size, worker + 1, t));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    private static int slice(int n, int i, int tasks) {
        return (int) ((long) n * i / tasks);
    }
}
