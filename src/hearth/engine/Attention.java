// Causal attention of one query head over an F16 KV cache, in the three ways ggml's CPU flash
// attention computes it (ops.cpp): "one_chunk" for small batches and single tokens (query rounded
// to F16, online softmax, F16 output accumulator), the same split across threads for a single
// token over a long cache, and "tiled" for batches of 64+ queries (F32 query, 64-position tiles,
// sequential FMA sums). Matching all three is what keeps greedy output equal.
package hearth.engine;

final class Attention {
    static final int TILE = 64;        // GGML_FA_TILE_Q and GGML_FA_TILE_KV
    static final int SPLIT_CELLS = 512;   // ggml splits a single query's cache across threads from this many cells
    static final int CELL_PAD = 256;      // llama.cpp pads the cells it attends over (n_kv) to a multiple of this

    private final int lanes;           // ggml F32/F16 register width (see SimdWidth.lanes)
    private final Scratch[] scratch;   // one per worker: a head's arrays, made once, not once per head and token

    Attention(int lanes, int workers) {
        this.lanes = lanes;
        this.scratch = new Scratch[workers];
        for (int i = 0; i < workers; i++) scratch[i] = new Scratch(lanes);
    }

    /** A worker's arrays, grown to the head sizes on first use; chunk leaves its max and sum in max and sum. */
    private static final class Scratch {
        float[] qh = new float[0], query = new float[0], acc = new float[0], a = new float[0], merged = new float[0];
        final float[] kq = new float[TILE];
        final float[] regs, reg;
        float max, sum;

        Scratch(int lanes) {
            regs = new float[4 * lanes];
            reg = new float[lanes];
        }

        /** Sizes the per-head arrays for these dimensions; acc and merged are cleared. */
        Scratch head(int headDim, int valueDim) {
            if (qh.length != headDim) {
                qh = new float[headDim];
                query = new float[headDim];
            }
            if (acc.length != valueDim) {
                acc = new float[valueDim];
                a = new float[valueDim];
                merged = new float[valueDim];
            }
            java.util.Arrays.fill(acc, 0f);
            java.util.Arrays.fill(merged, 0f);
            return this;
        }
    }

    int lanes() {
        return lanes;
    }

    /**
     * out[outOff, +valueDim) = softmax(q·K[0..last] * scale) · V[0..last] for one head.
     * Keys and values are F16 bits: position p's head lives at p*stride + headOff.
     */
    void oneChunk(int worker, Kernels kernels, float[] q, int qOff, short[] k, short[] v, int stride, int headOff, int headDim,
                  int valueDim, int last, float scale, float[] out, int outOff) {
        Scratch s = scratch[worker].head(headDim, valueDim);
        query(q, qOff, s.qh);
        chunk(s, kernels, k, v, stride, headOff, headDim, valueDim, 0, last, scale);
        float inv = s.sum == 0 ? 0 : 1.0f / s.sum;
        for (int d = 0; d < valueDim; d++) out[outOff + d] = s.acc[d] * inv;
    }

    /**
     * oneChunk for a single query over a long cache, as ggml splits it (its use_split_kv_path):
     * the cache as llama.cpp sees it, {@code cells} long (padded, positions past {@code last}
     * masked), cut into {@code parts} equal ranges, one per thread, each attended on its own; then
     * the parts' maxima, sums and outputs merged in order (ggml_flash_attn_ext_reduce_partials).
     */
    void split(int worker, Kernels kernels, float[] q, int qOff, short[] k, short[] v, int stride, int headOff, int headDim,
               int valueDim, int last, int cells, int parts, float scale, float[] out, int outOff) {
        Scratch s = scratch[worker].head(headDim, valueDim);
        query(q, qOff, s.qh);
        int size = (cells + parts - 1) / parts;
        float[] merged = s.merged;
        float[] acc = s.acc;
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0;
        for (int from = 0; from < cells && from <= last; from += size) {
            java.util.Arrays.fill(acc, 0f);
            chunk(s, kernels, k, v, stride, headOff, headDim, valueDim, from, Math.min(last, from + size - 1), scale);
            if (s.sum == 0) continue;
            float newMax = Math.max(max, s.max);
            float keep = Libm.expf(max - newMax);
            float add = Libm.expf(s.max - newMax);
            for (int d = 0; d < valueDim; d++) merged[d] = Math.fma(merged[d], keep, acc[d] * add);
            sum = Math.fma(sum, keep, s.sum * add);
            max = newMax;
        }
        float inv = sum != 0 ? 1.0f / sum : 1.0f;
        for (int d = 0; d < valueDim; d++) out[outOff + d] = merged[d] * inv;
    }

    /** The head's query rounded to F16, into qh. */
    private static void query(float[] q, int qOff, float[] qh) {
        for (int i = 0; i < qh.length; i++) qh[i] = Float16.round(q[qOff + i]);
    }

    /**
     * Online softmax of the query s.qh over positions from..last into s.acc (F16 values, VKQ16),
     * leaving its max and sum in s. Vector kernels take the query and the accumulator split (see
     * Kernels.splitIndex) and give the same sums, element for element and lane for lane.
     */
    private void chunk(Scratch s, Kernels kernels, short[] k, short[] v, int stride, int headOff, int headDim, int valueDim,
                       int from, int last, float scale) {
        boolean split = kernels.splitsHalves(headDim, valueDim);
        float[] acc = s.acc;
        float[] query = s.qh;
        float[] a = acc;
        if (split) {
            query = s.query;
            for (int j = 0; j < headDim; j++) query[j] = s.qh[Kernels.splitIndex(j)];
            a = s.a;
            java.util.Arrays.fill(a, 0f);
        }
        float[] regs = s.regs;
        float m = Float.NEGATIVE_INFINITY;
        float sum = 0;
        for (int p = from; p <= last; p++) {
            int base = p * stride + headOff;
            float score = (split ? kernels.dotHalves(k, base, query, headDim) : dotF16(k, base, query, headDim, regs)) * scale;
            float ms = 1.0f;
            float vs = 1.0f;
            if (score > m) {
                float old = m;
                m = score;
                ms = Libm.expf(old - m);
                for (int d = 0; d < valueDim; d++) a[d] = Float16.round(a[d] * ms);
            } else {
                vs = Libm.expf(score - m);
            }
            if (split) {
                kernels.madHalves(v, base, vs, a, valueDim);
            } else {
                for (int d = 0; d < valueDim; d++) a[d] = Float16.round(Math.fma(Float16.toFloat(v[base + d]), vs, a[d]));
            }
            sum = Math.fma(sum, ms, vs);
        }
        if (split) for (int j = 0; j < valueDim; j++) acc[Kernels.splitIndex(j)] = a[j];
        s.max = m;
        s.sum = sum;
    }

    /**
     * The tiled path: same contract as oneChunk, F32 throughout, the cache read as floats (see
     * Transformer.floatCache): keys transposed, element i of position p at keys[keyBase + i *
     * cells + p], values as they are, position p's at values[p * valueStride + valueOff].
     */
    void tiled(int worker, Kernels kernels, float[] q, int qOff, float[] keys, int keyBase, int cells, float[] values,
               int valueStride, int valueOff, int headDim, int valueDim, int last, float scale, float[] out, int outOff) {
        Scratch s = scratch[worker].head(headDim, valueDim);
        float[] acc = s.acc;
        float[] kq = s.kq;
        float m = Float.NEGATIVE_INFINITY;
        float sum = 0;
        for (int t0 = 0; t0 <= last; t0 += TILE) {
            kernels.dotKeys(keys, keyBase, cells, t0, q, qOff, headDim, kq);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < TILE; j++) {
                kq[j] = t0 + j > last ? Float.NEGATIVE_INFINITY : kq[j] * scale;
                tileMax = Math.max(tileMax, kq[j]);
            }
            float mNew = Math.max(m, tileMax);
            if (mNew > m) {
                float ms = Libm.expf(m - mNew);
                for (int d = 0; d < valueDim; d++) acc[d] *= ms;
                sum *= ms;
            }
            m = mNew;
            sum = (float) (sum + softmaxTile(kq, m, s.reg));
            for (int j = 0; j < TILE && t0 + j <= last; j++) {
                kernels.madFloats(values, (t0 + j) * valueStride + valueOff, kq[j], acc, valueDim);
            }
        }
        float inv = sum == 0 ? 0 : 1.0f / sum;
        for (int d = 0; d < valueDim; d++) out[outOff + d] = acc[d] * inv;
    }

    /** ggml_vec_soft_max_f32: x = v_expf(x - max) in place; the sum of each register, in double. */
    private double softmaxTile(float[] x, float max, float[] reg) {
        double sum = 0;
        for (int i = 0; i < x.length; i += lanes) {
            for (int l = 0; l < lanes; l++) {
                x[i + l] = Ops.expf(x[i + l] - max);
                reg[l] = x[i + l];
            }
            for (int width = lanes / 2; width >= 1; width /= 2) {
                for (int l = 0; l < width; l++) reg[l] += reg[l + width];
            }
            sum += reg[0];
        }
        return sum;
    }

    /** ggml_vec_dot_f16 over a cache row: register accumulators, tree reduction, double tail. */
    private float dotF16(short[] k, int base, float[] q, int n, float[] acc) {
        int step = 4 * lanes;
        int np = n & ~(step - 1);
        java.util.Arrays.fill(acc, 0f);
        for (int i = 0; i < np; i += step) {
            for (int j = 0; j < step; j++) acc[j] = Math.fma(Float16.toFloat(k[base + i + j]), q[i + j], acc[j]);
        }
        double sum = np > 0 ? Kernels.reduce(acc, lanes) : 0;
        for (int i = np; i < n; i++) sum += Float16.toFloat(k[base + i]) * q[i];
        return (float) sum;
    }
}
