// An activation vector converted to the type ggml's CPU backend dots it with, for one weight type
// (ggml-cpu.c type_traits_cpu[].vec_dot_type): F16 weights see the vector rounded to F16, BF16 to
// BF16, Q8_0/Q4_0/Q5_0/IQ4_NL weights see it quantised to Q8_0, Q4_1/Q5_1 ones to Q8_1, K-quants
// to Q8_K. Doing the same rounding as llama.cpp is what makes greedy decoding agree with it token for token.
package hearth.engine;

final class Input {
    enum Kind { F32, F16, BF16, Q8_0, Q8_1, Q8_K }

    /** Which kernels read it: rows as the file lays them out, rows in groups of eight, or a batch's tiles of groups. */
    private enum Reader { ROWS, GROUPS, TILES }

    final Kind kind;
    final int length;
    private final GgmlType batch;  // as the arrays below depend on it (see batchShape)
    private final Reader reader;
    final float[] values;   // F32/F16/BF16: the (rounded) values
    final byte[] quants;    // Q8_0/Q8_1/Q8_K: one signed byte per element
    final float[] scales;   // Q8_0/Q8_1: per 32 (already rounded to F16); Q8_K: per 256 (float)
    final float[] blockSums; // Q8_1: per 32, d x the sum of its quants, rounded to F16 (ggml block_q8_1.s)
    final int[] sums;       // Q8_K: sum of each 16 quants (ggml block_q8_K.bsums)
    final int[] pairSums;   // Q8_K but from ofGroups: per block, sums 0, 2, .., 14, then 1, 3, .., 15 (as VectorKernels.dotQ6_K reads them)
    final short[] pairs;    // Q8_0/Q8_K but from ofGroups: the quants as VectorKernels read them, see pairs()
    final float[] lanes;    // in a batch for Q8_0/Q5_0/Q6_K/IQ4_XS rows: the quants as floats in VectorKernels' lane order, see lanes()
    final float[] chunks;   // in a batch for Q4_K rows: the quants as floats, a lane per 64-element chunk, see chunks()
    final int[] chunkSums;  // and per chunk the sums of its first and last two 16s, see chunks()
    final float[] floats;   // in a batch for Q4_K rows, or Q4_0 ones in tiles: the quants as floats, in order (VectorKernels.dotTileQ4_K, dotTileQ4_0)
    final float[] laneFloats; // from ofTiles for Q5_K and Q6_K rows: the quants as floats in ggml's lane order, see laneFloats()
    final int[] quadPairs;  // from ofGroups only: the quants paired as rows laid out in groups read them, see quadPairs()

    /**
     * An input of n elements with the arrays its readers need, zeros until {@link #fill}. The
     * row-at-a-time vector kernels read pairs and pairSums (and in a batch lanes or chunks), the
     * grouped ones quadPairs, the tiles floats or laneFloats.
     */
    private Input(Kind kind, int n, GgmlType batch, Reader reader) {
        boolean q8_0 = kind == Kind.Q8_0 || kind == Kind.Q8_1;   // blocks of 32
        boolean q8_K = kind == Kind.Q8_K;
        if (q8_0 && n % 32 != 0) throw new EngineException("a " + kind + " row needs a multiple of 32 values, found " + n);
        if (q8_K && n % 256 != 0) throw new EngineException("a Q8_K row needs a multiple of 256 values, found " + n);
        boolean quantised = q8_0 || q8_K;
        boolean rows = reader == Reader.ROWS;
        GgmlType shape = batchShape(batch);
        boolean chunked = shape == GgmlType.Q4_K;
        this.kind = kind;
        this.length = n;
        this.batch = shape;
        this.reader = reader;
        this.values = quantised ? null : new float[n];
        this.quants = quantised ? new byte[n] : null;
        this.scales = quantised ? new float[q8_0 ? n / 32 : n / 256] : null;
        this.sums = q8_K ? new int[n / 16] : null;
        this.blockSums = kind == Kind.Q8_1 ? new float[n / 32] : null;
        this.pairs = quantised && rows ? new short[n] : null;
        this.pairSums = q8_K && rows ? new int[n / 16] : null;
        this.lanes = shape != null && quantised && !chunked && rows ? new float[n] : null;
        this.chunks = chunked && rows ? new float[(n / 256 + 1) / 2 * 512] : null;
        this.chunkSums = chunked && rows ? new int[(n / 64 + 7) / 8 * 16] : null;
        this.floats = chunked || reader == Reader.TILES && q8_0 ? new float[n] : null;   // Q4_K's, and Q4_0's tiles
        this.laneFloats = (batch == GgmlType.Q6_K || batch == GgmlType.Q5_K) && reader == Reader.TILES ? new float[n] : null;
        this.quadPairs = reader == Reader.GROUPS ? new int[n / 2] : null;
    }

    /**
     * What of a batch's row type the arrays depend on: Q4_K and Q6_K rows have their own, Q8_0,
     * Q5_0 and IQ4_XS ones share lanes (VectorKernels.dotRows decodes those for a whole batch), and the
     * others need none: their batches go a row and a token at a time (Q4_0's too: llama.cpp
     * repacks its rows and sums each block whole, Kernels.dotQ4Repacked).
     */
    private static GgmlType batchShape(GgmlType batch) {
        if (batch == null) return null;
        switch (batch) {
            case Q4_K: case Q6_K: return batch;
            case Q8_0: case Q5_0: case IQ4_XS: return GgmlType.Q8_0;
            default: return null;
        }
    }

    static Kind kindFor(GgmlType weight) {
        switch (weight) {
            case F32: return Kind.F32;
            case F16: return Kind.F16;
            case BF16: return Kind.BF16;
            case Q8_0: case Q4_0: case Q5_0: case IQ4_NL: return Kind.Q8_0;
            case Q4_1: case Q5_1: return Kind.Q8_1;
            case Q2_K: case Q3_K: case Q4_K: case Q5_K: case Q6_K: case IQ4_XS: return Kind.Q8_K;
            default: throw new EngineException("weight type " + weight + " is not supported by the embedded engine;"
                    + " use a model quantised as F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, IQ4_XS, Q2_K, Q3_K(_M), Q4_K(_M), Q5_K(_M) or Q6_K");
        }
    }

    static Input of(Kind kind, float[] x, int offset, int n) {
        return of(kind, x, offset, n, null);
    }

    /**
     * {@code batch}: the type of the rows when this is one of several tokens multiplied by the same
     * rows (VectorKernels.dotRows then reads {@link #lanes} or {@link #chunks}), else null.
     */
    static Input of(Kind kind, float[] x, int offset, int n, GgmlType batch) {
        return new Input(kind, n, batch, Reader.ROWS).fill(x, offset);
    }

    /**
     * Inputs kept to be filled again: one per token and shape, so a forward pass makes each once,
     * not once per multiplication (garbage that lives through a batch's multiplication is promoted
     * and costs full collections). {@link #of} does what Input.of does for token {@code token}.
     * Not thread-safe: one forward pass uses it at a time.
     */
    static final class Pool {
        private final java.util.List<Input[]> kept = new java.util.ArrayList<>();  // per shape, by token

        Input of(Kind kind, float[] x, int n, GgmlType batch, int token) {
            return take(kind, n, batch, Reader.ROWS, token).fill(x, 0);
        }

        /** One token, quantised to Q8_0 or Q8_K as the rows' type needs, for rows that Tensor.hold laid out in groups (see quadPairs). */
        Input ofGroups(GgmlType rows, float[] x, int n, int token) {
            return take(kindFor(rows), n, null, Reader.GROUPS, token).fill(x, 0);
        }

        /** One of a batch of tokens, quantised to Q8_K (Q4_K, Q6_K) or Q8_0 (Q4_0) as the rows laid out in groups need (Kernels.dotTiles). */
        Input ofTiles(float[] x, int n, GgmlType rows, int token) {
            return take(kindFor(rows), n, rows, Reader.TILES, token).fill(x, 0);
        }

        private Input take(Kind kind, int n, GgmlType batch, Reader reader, int token) {
            GgmlType shape = batchShape(batch);
            int s = 0;
            while (s < kept.size() && !kept.get(s)[0].fits(kind, n, shape, reader)) s++;
            if (s == kept.size()) kept.add(new Input[] {new Input(kind, n, batch, reader)});
            Input[] inputs = kept.get(s);
            if (token >= inputs.length) kept.set(s, inputs = java.util.Arrays.copyOf(inputs, token + 1));
            if (inputs[token] == null) inputs[token] = new Input(kind, n, batch, reader);
            return inputs[token];
        }
    }

    private boolean fits(Kind kind, int n, GgmlType batchShape, Reader reader) {
        return this.kind == kind && length == n && batch == batchShape && this.reader == reader;
    }

    /** Sets every array from x[offset, offset + length): the same values a new input of x has. */
    private Input fill(float[] x, int offset) {
        switch (kind) {
            case F32: System.arraycopy(x, offset, values, 0, length); break;
            case F16: for (int i = 0; i < length; i++) values[i] = Float16.round(x[offset + i]); break;
            case BF16: for (int i = 0; i < length; i++) values[i] = roundBf16(x[offset + i]); break;
            case Q8_0: case Q8_1: q8_0(x, offset); break;
            default: q8_K(x, offset);
        }
        if (pairs != null) pairs(quants, pairs);
        if (pairSums != null) pairs(sums, pairSums);
        if (lanes != null) lanes(quants, lanes);
        if (chunks != null) chunks(quants, chunks);
        if (chunkSums != null) chunkSums(sums, chunkSums);
        if (floats != null) floats(quants, floats);
        if (laneFloats != null) laneFloats(quants, laneFloats);
        if (quadPairs != null) quadPairs(quants, quadPairs);
        return this;
    }

    /**
     * ggml x86 quantize_row_q8_0: d = amax/127 stored as F16, q = rint(x * 127/amax); and
     * quantize_row_q8_1, the same with s = d x the sum of the quants (d before its rounding).
     */
    private void q8_0(float[] x, int offset) {
        for (int b = 0; b < length / 32; b++) {
            int base = offset + b * 32;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[base + j]));
            scales[b] = Float16.round(amax / 127f);
            float id = amax != 0 ? 127f / amax : 0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += quants[b * 32 + j] = (byte) Math.rint(x[base + j] * id);
            if (blockSums != null) blockSums[b] = Float16.round(amax / 127f * sum);
        }
    }

    /** ggml quantize_row_q8_K: d = max/-127 by the element of largest magnitude, q = rint(x / d), bsums. */
    private void q8_K(float[] x, int offset) {
        for (int b = 0; b < length / 256; b++) {
            int base = offset + b * 256;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax == 0) {                                  // d = 0, quants and sums 0
                scales[b] = 0;
                java.util.Arrays.fill(quants, b * 256, b * 256 + 256, (byte) 0);
                java.util.Arrays.fill(sums, b * 16, b * 16 + 16, 0);
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) quants[b * 256 + j] = (byte) Math.min(127, (int) Math.rint(iscale * x[base + j]));
            for (int g = 0; g < 16; g++) {
                int s = 0;
                for (int j = 0; j < 16; j++) s += quants[b * 256 + g * 16 + j];
                sums[b * 16 + g] = s;
            }
            scales[b] = 1 / iscale;
        }
    }

    /**
     * For the kernels that read rows laid out in groups (VectorKernels.dotGroups): a short lane
     * there holds two quants of a row, elements e and e+1 of a run of four e = 4g..4g+3, so at
     * 2g an int of the quants that meet elements 4g and 4g+2 (low short, high short), at 2g+1 of
     * those that meet 4g+1 and 4g+3.
     */
    private static void quadPairs(byte[] q, int[] p) {
        for (int g = 0; g < q.length / 4; g++) {
            p[2 * g] = q[4 * g] & 0xffff | q[4 * g + 2] << 16;
            p[2 * g + 1] = q[4 * g + 1] & 0xffff | q[4 * g + 3] << 16;
        }
    }

    /**
     * Each 32 quants as 16 even-indexed then 16 odd-indexed shorts. A weight vector loaded as
     * shorts holds an even element in each low byte and the next odd one in the high byte, so
     * multiplying by these two halves lines up element with element without a shuffle.
     */
    private static void pairs(byte[] q, short[] p) {
        for (int g = 0; g < q.length; g += 32) {
            for (int m = 0; m < 16; m++) {
                p[g + m] = q[g + 2 * m];
                p[g + 16 + m] = q[g + 2 * m + 1];
            }
        }
    }

    /**
     * Each 32 quants as four runs of 8 floats, run k lane L holding element 4L + k: the elements
     * ggml's int lane L sums (see VectorKernels.dotLanes).
     */
    private static void lanes(byte[] q, float[] f) {
        for (int g = 0; g < q.length; g += 32) {
            for (int e = 0; e < 32; e++) f[g + 8 * (e & 3) + (e >> 2)] = q[g + e];
        }
    }

    /**
     * The quants of each two super-blocks (512) as 64 runs of 8 floats, run e lane c holding
     * element e of 64-element chunk c (chunks 0-3 of the first super-block, 4-7 of the second; a
     * missing second one is zeros): a vector of 8 lanes then sums 8 chunks at once (see
     * VectorKernels.dotChunksQ4_K).
     */
    private static void chunks(byte[] q, float[] f) {
        for (int i = 0; i < q.length; i++) {
            int chunk = i / 64;                                 // across the row
            f[chunk / 8 * 512 + i % 64 * 8 + chunk % 8] = q[i];
        }
    }

    private static void floats(byte[] q, float[] f) {
        for (int i = 0; i < q.length; i++) f[i] = q[i];
    }

    /**
     * Each 256 quants as floats with ggml's int lane l (elements 4l..4l+3 of each 32) together:
     * element 32q + 4l + k at 32l + 4q + k, so VectorKernels.laneTileQ6_K reads a lane's 32 in a row.
     */
    private static void laneFloats(byte[] q, float[] f) {
        for (int i = 0; i < q.length; i++) {
            int e = i % 256;
            f[i - e + 32 * (e % 32 / 4) + 4 * (e / 32) + e % 4] = q[i];
        }
    }

    /** For each chunk lane of {@link #chunks}: at 16p + c its first two 16s' sum, at 16p + 8 + c its last two's. */
    private static void chunkSums(int[] sums, int[] s) {
        int chunkCount = sums.length / 4;
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            int at = chunk / 8 * 16 + chunk % 8;
            s[at] = sums[4 * chunk] + sums[4 * chunk + 1];
            s[at + 8] = sums[4 * chunk + 2] + sums[4 * chunk + 3];
        }
    }

    /** Each 16 sums as the 8 even-indexed, then the 8 odd-indexed. */
    private static void pairs(int[] sums, int[] p) {
        for (int g = 0; g < sums.length; g += 16) {
            for (int m = 0; m < 8; m++) {
                p[g + m] = sums[g + 2 * m];
                p[g + 8 + m] = sums[g + 2 * m + 1];
            }
        }
    }

    /** ggml_compute_fp32_to_bf16: round to nearest even; NaN stays a quiet NaN. */
    static float roundBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return Float.intBitsToFloat((u | (64 << 16)) & 0xffff0000);
        u = (u + (0x7fff + ((u >>> 16) & 1))) & 0xffff0000;
        return Float.intBitsToFloat(u);
    }
}
