// Matrix times vectors, split by rows across Workers (one thread per core). Each input vector is
// first converted to the weight's ggml vec_dot_type (see Input); each thread then copies weight
// rows from the mapped file and dots them with its own Kernels (vector ones when the JVM allows).
package hearth.engine;

final class Matmul {
    private static final int MIN_ROWS_PER_CHUNK = 16;  // below this a chunk costs more than it saves

    final int lanes;                                   // ggml's SIMD width, see SimdWidth
    private final Workers workers;
    private final Kernels[] kernels;                   // one per worker: their scratch arrays are not shared

    Matmul(int lanes, int threads) {
        this.lanes = lanes;
        this.workers = new Workers(threads);
        this.kernels = new Kernels[threads];
        for (int i = 0; i < threads; i++) kernels[i] = Kernels.create(lanes);
    }

    /** out[t][r] = row r of w · x[t] (+ bias[r]), for every token t; x is converted into inputs kept in {@code inputs} (Input.Pool). */
    void apply(Tensor w, float[][] x, float[][] out, float[] bias, Input.Pool inputs) {
        int n = w.columns();
        int rows = (int) w.rows();
        if (w.grouped() && kernels[0].dotsGroups()) {   // Q4_0 and K-quant rows in groups of eight
            // tokens in fours against tiles of two groups where the kernels have tiles for the type,
            // any other token on its own (one token: several groups a load)
            int fours = kernels[0].tiles(w.type) ? x.length - x.length % 4 : 0;
            Input[] in = new Input[x.length];
            for (int t = 0; t < x.length; t++) in[t] = t < fours ? inputs.ofTiles(x[t], n, w.type, t) : inputs.ofGroups(w.type, x[t], n, t);
            workers.run(rows / Tensor.GROUP, MIN_ROWS_PER_CHUNK / Tensor.GROUP, (worker, from, to) -> {
                Kernels k = kernels[worker];
                for (int g = from; g < to; ) {
                    int count = fours == 0 ? k.loadGroups(w, g, to - g) : k.loadTile(w, g, to - g);
                    k.dotTiles(w, count, in, fours, out, g, bias);
                    g += count;
                }
            });
            return;
        }
        Input.Kind kind = Input.kindFor(w.type);
        Input[] in = new Input[x.length];
        for (int t = 0; t < x.length; t++) in[t] = inputs.of(kind, x[t], n, x.length > 1 ? w.type : null, t);
        int grouped = Kernels.together(w.type, x.length, rows);
        workers.run(rows, MIN_ROWS_PER_CHUNK, (worker, from, to) -> {
            Kernels k = kernels[worker];
            for (int r0 = from; r0 < to; ) {
                int count = k.load(w, r0, to - r0);
                k.dotRows(w, count, in, grouped, out, r0, bias);
                r0 += count;
            }
        });
    }

    /** Lets go of each worker's batch arrays (Kernels.releaseScratch); call it with the workers idle. */
    void releaseScratch() {
        for (Kernels k : kernels) k.releaseScratch();
    }

    /** Worker {@code worker}'s kernels, for other work that runs in {@link #parallel}. */
    Kernels kernels(int worker) {
        return kernels[worker];
    }

    /** The number of threads the work is split across (ggml's n_threads). */
    int threads() {
        return kernels.length;
    }

    /** Runs body over [0, n) split across the workers in chunks of at least minChunk. */
    void parallel(int n, int minChunk, Workers.Range body) {
        workers.run(n, minChunk, body);
    }
}
