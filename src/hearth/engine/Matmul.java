// Matrix times vectors, split by rows across a small fixed pool of daemon threads (one per core).
// Each input vector is first converted to the weight's ggml vec_dot_type (see Input); the kernels
// then read the weights block by block from the mapped file with the scalar Kernels.
package hearth.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

final class Matmul {
    private static final int MIN_ROWS_PER_TASK = 16;   // below this a task costs more than it saves

    final Kernels kernels;
    private final int threads;
    private final ExecutorService pool;

    Matmul(Kernels kernels, int threads) {
        this.kernels = kernels;
        this.threads = threads;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "hearth-engine-matmul");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** out[t][r] = row r of w · x[t] (+ bias[r]), for every token t. */
    void apply(Tensor w, float[][] x, float[][] out, float[] bias) {
        int n = w.columns();
        Input.Kind kind = Input.kindFor(w.type);
        Input[] in = new Input[x.length];
        for (int t = 0; t < x.length; t++) in[t] = Input.of(kind, x[t], 0, n);
        int rows = (int) w.rows();
        parallel(rows, (from, to) -> {
            byte[] row = new byte[w.rowBytes];
            Kernels k = new Kernels(kernels.lanes);          // its scratch arrays belong to this thread
            for (int r = from; r < to; r++) {
                Kernels.read(w, r, row);
                for (int t = 0; t < in.length; t++) {
                    float v = k.dot(w.type, row, in[t]);
                    out[t][r] = bias == null ? v : v + bias[r];
                }
            }
        });
    }

    interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, n) in contiguous slices, one per thread; the caller takes the first. */
    void parallel(int n, Range body) {
        int tasks = Math.min(threads, Math.max(1, n / MIN_ROWS_PER_TASK));
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks - 1);
        for (int i = 1; i < tasks; i++) {
            int from = (int) ((long) n * i / tasks);
            int to = (int) ((long) n * (i + 1) / tasks);
            futures.add(pool.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / tasks));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while computing", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                throw new EngineException("matmul failed: " + cause, cause);
            }
        }
    }

    int threads() {
        return threads;
    }
}
