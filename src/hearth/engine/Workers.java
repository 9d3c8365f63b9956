// A fixed team of daemon threads, one per core, that runs one job at a time split into chunks
// taken from a shared counter; the calling thread works on the job too. A token's forward pass
// hands out about 200 jobs a few microseconds apart, so between jobs the threads spin briefly
// before they park: the next job then starts without a futex wake, and an idle engine still sleeps.
// A job is done when its chunks are, not when every thread has looked at it: on a busy machine
// (the client's own app, a build) the OS may pause a thread for milliseconds, and the others then
// take its share instead of waiting for it to wake up.
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

    /** One run() call. Immutable but for its counters, so a thread that wakes late can only find it finished. */
    private static final class Job {
        final Range body;
        final int size;
        final int chunk;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();   // the first chunk no thread has taken
        final AtomicInteger done = new AtomicInteger();   // chunks finished, or given up after a failure
        volatile Throwable failure;

        Job(Range body, int size, int chunk) {
            this.body = body;
            this.size = size;
            this.chunk = chunk;
            this.chunks = (size + chunk - 1) / chunk;
            this.caller = Thread.currentThread();
        }

        void work(int worker) {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int finished = 1;
                try {
                    body.run(worker, c * chunk, Math.min(size, (c + 1) * chunk));
                } catch (RuntimeException | Error e) {
                    failure = e;
                    finished += chunks - Math.min(chunks, next.getAndSet(chunks));   // the chunks nobody will take now
                }
                if (done.addAndGet(finished) == chunks) LockSupport.unpark(caller);
            }
        }
    }

    private final int count;
    private final Thread[] threads;                      // threads[0] is unused: the caller is worker 0
    private volatile Job job;                            // the newest job; workers wait for a different one

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

    /** Runs body over [0, n) in chunks of at least {@code minChunk}, and returns when all are done. */
    synchronized void run(int n, int minChunk, Range body) {
        if (count == 1 || n < 2 * minChunk) {
            body.run(0, 0, n);
            return;
        }
        Job j = new Job(body, n, Math.max(minChunk, (n + CHUNKS_PER_THREAD * count - 1) / (CHUNKS_PER_THREAD * count)));
        job = j;
        for (int i = 1; i < count; i++) LockSupport.unpark(threads[i]);
        j.work(0);
        long start = System.nanoTime();
        while (j.done.get() != j.chunks) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        Throwable f = j.failure;
        if (f instanceof RuntimeException) throw (RuntimeException) f;
        if (f instanceof Error) throw (Error) f;
    }

    private void work(int worker) {
        Job seen = null;
        while (true) {
            long start = System.nanoTime();
            Job j;
            while ((j = job) == seen) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            seen = j;
            j.work(worker);
        }
    }
}
