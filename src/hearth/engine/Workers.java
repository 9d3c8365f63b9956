// A fixed team of daemon threads, one per core, that runs one job at a time split into contiguous
// chunks; the calling thread works on the job too. A token's forward pass hands out about
// 200 jobs a few microseconds apart, so between jobs the threads spin briefly before they park:
// the next job then starts without a futex wake, and an idle engine still sleeps.
package hearth.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

final class Workers {
    private static final long SPIN_NANOS = 100_000;     // longer than the gap between two matmuls
    private static final int CHUNKS_PER_THREAD = 4;     // enough to even out a paused thread, few enough to cost nothing

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
    private volatile int chunk;
    private final AtomicInteger next = new AtomicInteger();   // the first index no thread has taken yet
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
     * Runs body over [0, n) in chunks of at least {@code minChunk}, and returns when all are done.
     * Threads take chunks from a shared counter, so when the OS pauses one thread (other work on
     * the machine) the others take its share instead of waiting for it. Every worker takes part in
     * every job, even with no chunk left, so no worker can still be reading one job's fields when
     * the next job writes them.
     */
    synchronized void run(int n, int minChunk, Range body) {
        if (count == 1 || n < 2 * minChunk) {
            body.run(0, 0, n);
            return;
        }
        this.body = body;
        this.size = n;
        this.chunk = Math.max(minChunk, (n + CHUNKS_PER_THREAD * count - 1) / (CHUNKS_PER_THREAD * count));
        this.caller = Thread.currentThread();
        failure = null;
        next.set(0);
        pending.set(count - 1);
        epoch++;                                        // volatile write: publishes the fields above
        for (int i = 1; i < count; i++) LockSupport.unpark(threads[i]);
        runChunks(0);
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
            try {
                runChunks(worker);
            } catch (RuntimeException | Error e) {
                failure = e;
                next.set(size);                          // the others stop at their next chunk
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    private void runChunks(int worker) {
        Range b = body;
        int n = size;
        int c = chunk;
        for (int from = next.getAndAdd(c); from < n; from = next.getAndAdd(c)) b.run(worker, from, Math.min(n, from + c));
    }
}
