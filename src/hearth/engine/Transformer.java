// The forward pass of a llama/qwen2/qwen3 decoder over a batch of tokens at consecutive positions,
// with its F16 KV cache (llama.cpp's default cache type). Follows llama.cpp's graph (models/llama.cpp,
// qwen2.cpp, qwen3.cpp): pre-norm attention with RoPE and grouped-query heads, SwiGLU FFN, and, on
// the last layer, only the final token continues past attention, as llama.cpp's inp_out_ids does.
package hearth.engine;

import java.util.Arrays;

final class Transformer {
    final Model model;
    final int contextLength;
    private final Matmul matmul;
    private final Attention attention;
    // The KV cache grows with the positions in use, CACHE_STEP at a time, up to contextLength: a long
    // context costs memory only once a conversation fills it (llama.cpp allocates all of it up front).
    static final int CACHE_STEP = 256;
    private final short[][] keyCache;     // [layer][pos * kvDim + head * headDim + i], F16 bits
    private final short[][] valueCache;   // [layer][pos * kvValueDim + head * valueDim + i], F16 bits
    private int cachedPositions;          // how many positions the cache arrays hold now
    private final float scale;
    private final float[][] normed;       // the last token after the output norm
    private final float[][] logits;       // returned by forward, valid until its next call
    private Scratch single;               // one token's activations, reused by every generated token

    Transformer(Model model, int contextLength, Matmul matmul) {
        this.model = model;
        this.contextLength = contextLength;
        this.matmul = matmul;
        this.attention = new Attention(matmul.lanes, matmul.threads());
        this.keyCache = new short[model.layerCount][0];
        this.valueCache = new short[model.layerCount][0];
        this.scale = 1.0f / (float) Math.sqrt(model.headDim);
        this.normed = new float[1][model.dim];
        this.logits = new float[1][model.vocab];
    }

    /** Bytes the KV cache takes when the whole context is in use (F16: 2 bytes per value). */
    long cacheBytes() {
        return cacheBytes(contextLength);
    }

    /**
     * Heap a forward pass of {@code tokens} may take beyond the cache, at the most: its Scratch
     * (activations), as much again for the matrices' inputs (Input.Pool: a token's quants, and
     * floats for the tiles), and the tiled attention's one layer of cache as floats.
     */
    long workingBytes(int tokens) {
        Model m = model;
        int ff = (int) m.layers[0].gate.rows();
        long perToken = 4L * (4L * m.dim + (long) m.heads * m.headDim + m.kvDim() + (long) m.kvHeads * m.valueDim
                + (long) m.heads * m.valueDim + 3L * ff);
        return 2 * perToken * tokens + 2 * cacheBytes() / m.layerCount;
    }

    /** Lets go of the kernels' batch arrays and the logits between answers (Matmul.releaseScratch; 0.6 MiB of logits for a 152k vocabulary). */
    void releaseScratch() {
        matmul.releaseScratch();
        logits[0] = new float[0];
    }

    /** Bytes the KV cache takes now. */
    long residentCacheBytes() {
        return cacheBytes(cachedPositions);
    }

    private long cacheBytes(int positions) {
        return 2L * positions * (model.kvDim() + model.kvHeads * model.valueDim) * model.layerCount;
    }

    /** Grows every layer's cache, one layer at a time, to hold positions [0, end). */
    private void reserve(int end) {
        if (end <= cachedPositions) return;
        int positions = Math.min(contextLength, (end + CACHE_STEP - 1) / CACHE_STEP * CACHE_STEP);
        for (int l = 0; l < model.layerCount; l++) {
            keyCache[l] = Arrays.copyOf(keyCache[l], positions * model.kvDim());
            valueCache[l] = Arrays.copyOf(valueCache[l], positions * model.kvHeads * model.valueDim);
        }
        cachedPositions = positions;
    }

    /**
     * Runs tokens at positions pos0, pos0+1, ... through the model, filling the KV cache, and
     * returns the logits of the last token, or null when {@code logits} is false (a batch that only
     * fills the cache). The array is reused: the next call overwrites it.
     */
    float[] forward(int[] tokens, int pos0, boolean logits) {
        Model m = model;
        int n = tokens.length;
        if (pos0 + n > contextLength) {
            throw new EngineException("the prompt and answer need " + (pos0 + n) + " tokens but the context holds "
                    + contextLength + "; shorten the prompt or raise the context length");
        }
        reserve(pos0 + n);
        // A batch's activations (n x 62 KB for a 0.5B model) live for this call only, so a long
        // prompt's do not stay resident through the answer.
        Scratch s = n > 1 ? new Scratch(m, n) : single != null ? single : (single = new Scratch(m, 1));
        float[][] x = s.x;
        for (int t = 0; t < n; t++) {
            if (tokens[t] < 0 || tokens[t] >= m.vocab) {
                throw new EngineException("token id " + tokens[t] + " is outside the vocabulary (0.." + (m.vocab - 1) + ")");
            }
            Dequant.row(m.tokenEmbedding, tokens[t], x[t]);
        }
        float[][] cos = new float[n][];
        for (int t = 0; t < n; t++) cos[t] = Ops.ropeCache(m, pos0 + t);
        for (int l = 0; l < m.layerCount; l++) {
            boolean lastLayer = l == m.layerCount - 1;
            x = layer(l, x, pos0, cos, lastLayer, s);
        }
        if (!logits) return null;
        Ops.rmsNorm(normed[0], 0, x[x.length - 1], 0, m.dim, m.outputNorm, m.eps);
        if (this.logits[0].length != m.vocab) this.logits[0] = new float[m.vocab];   // let go of by releaseScratch
        matmul.apply(m.output, normed, this.logits, null, s.inputs);
        return this.logits[0];
    }

    /**
     * Activations of one batch, reused by every layer: garbage made per layer would live through a
     * long pass, be promoted to the old generation and make its pages resident.
     */
    private static final class Scratch {
        final float[][] x;
        final float[][] xb;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] att;
        final float[][] o;
        final float[][] g;
        final float[][] u;
        final float[][] d;
        final Input.Pool inputs = new Input.Pool();   // the matrices' inputs, filled anew by each
        float[] keys = new float[0];      // the tiled path's cache as floats, see floatCache
        float[] values = new float[0];

        Scratch(Model m, int n) {
            int ff = (int) m.layers[0].gate.rows();
            x = new float[n][m.dim];
            xb = new float[n][m.dim];
            q = new float[n][m.heads * m.headDim];
            k = new float[n][m.kvDim()];
            v = new float[n][m.kvHeads * m.valueDim];
            att = new float[n][m.heads * m.valueDim];
            o = new float[n][m.dim];
            g = new float[n][ff];
            u = new float[n][ff];
            d = new float[n][m.dim];
        }

        /**
         * One layer's F16 cache up to position {@code used}, as floats for Attention.tiled: keys
         * transposed (element i of KV head h at position p to (h * headDim + i) * cells + p), so
         * a tile's keys lie side by side; values as they are. Converted once per layer, not once
         * per query head and token.
         */
        void floatCache(short[] kc, short[] vc, int used, int cells, Model m) {
            int kvDim = m.kvDim();
            int kvValueDim = m.kvHeads * m.valueDim;
            if (keys.length < kvDim * cells) keys = new float[kvDim * cells];
            if (values.length < kvValueDim * cells) values = new float[kvValueDim * cells];
            for (int p = 0; p < used; p++) {
                for (int i = 0; i < kvDim; i++) keys[i * cells + p] = Float16.toFloat(kc[p * kvDim + i]);
            }
            for (int i = 0; i < used * kvValueDim; i++) values[i] = Float16.toFloat(vc[i]);
        }
    }

    private float[][] layer(int l, float[][] x, int pos0, float[][] rope, boolean lastLayer, Scratch s) {
        Model m = model;
        Model.Layer w = m.layers[l];
        int n = x.length;
        int kvDim = m.kvDim();
        int kvValueDim = m.kvHeads * m.valueDim;
        float[][] xb = s.xb;
        for (int t = 0; t < n; t++) Ops.rmsNorm(xb[t], 0, x[t], 0, m.dim, w.attnNorm, m.eps);
        float[][] q = s.q;
        float[][] k = s.k;
        float[][] v = s.v;
        matmul.apply(w.wq, xb, q, w.bq, s.inputs);
        matmul.apply(w.wk, xb, k, w.bk, s.inputs);
        matmul.apply(w.wv, xb, v, w.bv, s.inputs);
        short[] kc = keyCache[l];
        short[] vc = valueCache[l];
        for (int t = 0; t < n; t++) {
            if (w.qNorm != null) {
                for (int h = 0; h < m.heads; h++) Ops.rmsNorm(q[t], h * m.headDim, q[t], h * m.headDim, m.headDim, w.qNorm, m.eps);
            }
            if (w.kNorm != null) {
                for (int h = 0; h < m.kvHeads; h++) Ops.rmsNorm(k[t], h * m.headDim, k[t], h * m.headDim, m.headDim, w.kNorm, m.eps);
            }
            Ops.rope(q[t], 0, m.heads, m.headDim, m, rope[t]);
            Ops.rope(k[t], 0, m.kvHeads, m.headDim, m, rope[t]);
            int pos = pos0 + t;
            for (int i = 0; i < kvDim; i++) kc[pos * kvDim + i] = Float16.fromFloat(k[t][i]);
            for (int i = 0; i < kvValueDim; i++) vc[pos * kvValueDim + i] = Float16.fromFloat(v[t][i]);
        }
        float[][] att = s.att;
        boolean tiled = n >= Attention.TILE && m.valueDim % attention.lanes() == 0;
        int cells = (pos0 + n + Attention.TILE - 1) / Attention.TILE * Attention.TILE;
        if (tiled) s.floatCache(kc, vc, pos0 + n, cells, m);
        int group = m.heads / m.kvHeads;
        // a single query: the cells llama.cpp attends over, padded; from 512 on, ggml splits them across its threads.
        // Its default thread count is the physical cores, ours the JVM's processors: the same without SMT.
        int splitCells = n > 1 ? 0 : Math.max(Attention.CELL_PAD, (pos0 + Attention.CELL_PAD) / Attention.CELL_PAD * Attention.CELL_PAD);
        matmul.parallel(n * m.heads, 1, (worker, from, to) -> {
            Kernels kernels = matmul.kernels(worker);
            for (int i = from; i < to; i++) {
                int t = i / m.heads;
                int h = i % m.heads;
                int kh = h / group;
                if (tiled) {
                    attention.tiled(worker, kernels, q[t], h * m.headDim, s.keys, kh * m.headDim * cells, cells, s.values, kvValueDim,
                            kh * m.valueDim, m.headDim, m.valueDim, pos0 + t, scale, att[t], h * m.valueDim);
                } else if (splitCells >= Attention.SPLIT_CELLS) {
                    attention.split(worker, kernels, q[t], h * m.headDim, kc, vc, kvDim, kh * m.headDim, m.headDim, m.valueDim,
                            pos0 + t, splitCells, matmul.threads(), scale, att[t], h * m.valueDim);
                } else {
                    attention.oneChunk(worker, kernels, q[t], h * m.headDim, kc, vc, kvDim, kh * m.headDim, m.headDim, m.valueDim,
                            pos0 + t, scale, att[t], h * m.valueDim);
                }
            }
        });
        float[][] o = s.o;
        matmul.apply(w.wo, att, o, null, s.inputs);
        if (lastLayer && n > 1) {                  // llama.cpp inp_out_ids: only the last token goes on
            x = new float[][] {x[n - 1]};
            o = new float[][] {o[n - 1]};
            n = 1;
        }
        for (int t = 0; t < n; t++) for (int i = 0; i < m.dim; i++) x[t][i] += o[t][i];
        for (int t = 0; t < n; t++) Ops.rmsNorm(xb[t], 0, x[t], 0, m.dim, w.ffnNorm, m.eps);
        float[][] xf = n == xb.length ? xb : new float[][] {xb[0]};
        int ff = (int) w.gate.rows();
        float[][] g = n == xb.length ? s.g : new float[][] {s.g[0]};
        float[][] u = n == xb.length ? s.u : new float[][] {s.u[0]};
        matmul.apply(w.gate, xf, g, null, s.inputs);
        matmul.apply(w.up, xf, u, null, s.inputs);
        for (int t = 0; t < n; t++) Ops.swiglu(g[t], g[t], u[t], ff, attention.lanes());
        float[][] d = n == xb.length ? s.d : new float[][] {s.d[0]};
        matmul.apply(w.down, g, d, null, s.inputs);
        for (int t = 0; t < n; t++) for (int i = 0; i < m.dim; i++) x[t][i] += d[t][i];
        return x;
    }
}
