// Scalar dot products of one weight row (copied from the mapped file into a byte[], then read
// block by block: plain array reads are what the JIT compiles best) with a prepared Input. Block
// layouts follow ggml-common.h; float sums follow ggml's x86 kernels (vec_dot_f16's registers,
// the eight AVX2 lanes of the quantised kernels, the one total a row of the repacked ones, see
// together). Holds scratch arrays: one instance per thread.
// VectorKernels overrides the quantised kernels with the same sums when the JVM has the vector API.
package hearth.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

class Kernels {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final byte[] IQ4_NL_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** Lanes per ggml SIMD register on this machine: 16 with AVX-512, 8 with AVX2 (GGML_F16_EPR). */
    final int lanes;
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private final float[] accF16;                  // scratch, reused by every call: dot runs per row
    static final int ROW_PAD = 16;                 // bytes around loaded rows: VectorKernels reads up to 16 before or after a block
    static final int LOAD_BYTES = 16 << 10;        // rows loaded at once: a 600-byte row's copy costs more to set up than to do
    byte[] rows = new byte[0];                     // the loaded rows, end to end: a held tensor's own array, or copies
    int base = ROW_PAD;                            // where the load starts in rows
    private byte[] copies = new byte[0];           // rows copied from the mapping
    int touched;                                   // what touch last read: kept, so its reads are not dropped
    private int at = ROW_PAD;                      // where the row dot reads starts in rows
    private final int[] values = new int[32];
    final int[] sc = new int[8];                   // Q4_K scales and mins of one block
    final int[] mn = new int[8];
    private final float[] acc = new float[8];
    final int[] q3Scales = new int[16];            // a Q3_K block's sixteen scales (dotQ3_K)
    private final int[] iq4Lanes = new int[8];     // an IQ4_XS super-block's int lanes (dotIq4Xs)
    final float[] pair = new float[2];            // dot2's two results

    Kernels(int lanes) {
        this.lanes = lanes;
        this.accF16 = new float[4 * lanes];
    }

    /**
     * Lets go of the arrays that grew for a batch (the rows copied from a mapping here; the
     * decoded rows and tiles in VectorKernels): they are garbage until the next prompt, and a
     * worker's tile for a 7B model's feed-forward rows is 1.2 MiB. The next batch grows them again.
     */
    void releaseScratch() {
        rows = new byte[0];
        copies = new byte[0];
    }

    /**
     * VectorKernels when this JVM was started with --add-modules jdk.incubator.vector (install
     * registers that flag), else these scalar kernels; both give the same sums. The vector class is
     * only named here, as a string, so a JVM without the module never loads it.
     */
    static Kernels create(int lanes) {
        Kernels scalar = new Kernels(lanes);
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()) {
            try {
                Kernels vector = (Kernels) Class.forName("hearth.engine.VectorKernels").getDeclaredConstructor(int.class).newInstance(lanes);
                if (agree(vector, scalar)) return vector;
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // a source launch, a build without the class, or a JDK whose incubating API changed
            }
        }
        return scalar;
    }

    /**
     * Runs every quantised kernel of both on one fixed row. The incubator API changes between JDKs
     * (17's methods may be gone in a later one), and this makes a missing method fail here, at
     * load, instead of in the middle of an answer.
     */
    private static boolean agree(Kernels a, Kernels b) {
        int n = 256;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i);
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_1, GgmlType.Q5_1, GgmlType.IQ4_NL,
                GgmlType.Q2_K, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.IQ4_XS}) {
            byte[] bytes = new byte[(int) type.bytes(n)];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 37 + 11);
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int scale = type == GgmlType.Q6_K ? 208 : type == GgmlType.Q2_K ? 80 : 0;   // where each block keeps its F16 scale
            for (int p = 0; p < bytes.length; p += type.blockBytes) buffer.putShort(p + scale, (short) 0x2000);
            Tensor w = new Tensor("check", type, new long[] {n, 1}, new ByteBuffer[] {buffer}, 1);
            Input in = Input.of(Input.kindFor(type), x, 0, n);
            a.load(w, 0);
            b.load(w, 0);
            for (boolean grouped : new boolean[] {false, true}) {
                if (Float.compare(a.dot(type, in, grouped), b.dot(type, in, grouped)) != 0) return false;
            }
            Input batch = Input.of(Input.kindFor(type), x, 0, n, type);
            Input[] tokens = {batch, batch, batch, batch, batch};            // four and an odd one
            float[][] outA = new float[tokens.length][1];
            float[][] outB = new float[tokens.length][1];
            a.dotRows(w, 1, tokens, 0, outA, 0, null);
            b.dotRows(w, 1, tokens, 0, outB, 0, null);
            if (!Arrays.deepEquals(outA, outB)) return false;
        }
        short[] cache = new short[n];                                       // and attention's F16 primitives
        for (int i = 0; i < n; i++) cache[i] = Float16.fromFloat(x[i]);
        float[] accA = new float[64];
        float[] accB = new float[64];
        a.madHalves(cache, 0, 0.5f, accA, 64);
        b.madHalves(cache, 0, 0.5f, accB, 64);
        return Float.compare(a.dotHalves(cache, 0, x, 4 * a.lanes), b.dotHalves(cache, 0, x, 4 * b.lanes)) == 0
                && Arrays.equals(accA, accB);
    }

    /** Copies row {@code r} of w into this instance's buffer, for {@link #dot} to read. */
    void load(Tensor w, long r) {
        load(w, r, 1);
    }

    /**
     * Loads rows r, r+1, ... of w, at most {@code max} and about LOAD_BYTES of them, and selects
     * the first for {@link #dot}; {@link #select} picks the others. A held tensor's rows are read
     * where they are; a mapped one's, or a grouped one's, are copied into this instance's buffer
     * as the file lays them out. Returns how many.
     */
    int load(Tensor w, long r, int max) {
        int count = Math.max(1, Math.min(rowsPerLoad(w), Math.min(max, w.rowsInBuffer(r))));
        if (w.held() != null && !w.grouped()) {
            rows = w.held();
            base = w.heldAt(r);
            if (readsAhead(w.type)) touched = touch(rows, base, count * w.rowBytes);
        } else {
            int bytes = count * w.rowBytes;
            if (copies.length < bytes + 2 * ROW_PAD) copies = new byte[bytes + 2 * ROW_PAD];
            w.copyRows(r, count, copies, ROW_PAD);
            rows = copies;
            base = ROW_PAD;
        }
        at = base;
        return count;
    }

    /**
     * Whether load reads a held load's bytes once (touch) before the kernel dots them: for a kernel
     * so light that, meeting rows straight from memory, it waits on each cache line in turn. The
     * scalar kernels never are.
     */
    boolean readsAhead(GgmlType type) {
        return false;
    }

    /**
     * Reads a byte of every 64 in b[from, from + length), so the load's cache lines are on their
     * way in together, each read independent of the others (see readsAhead). Returns a sum of
     * what it read, which the caller keeps (see touched) so the reads stay.
     */
    static int touch(byte[] b, int from, int length) {
        int s = 0;
        for (int i = from; i < from + length; i += 64) s += b[i];
        return s;
    }

    /** How many rows of w {@link #load} copies at once, at most. */
    int rowsPerLoad(Tensor w) {
        return LOAD_BYTES / w.rowBytes;
    }

    /** Whether {@link #dotGroups} runs: VectorKernels' Q4_0, Q4_K, Q5_K and Q6_K kernels for tensors Tensor.hold laid out in groups. */
    boolean dotsGroups() {
        return false;
    }

    /** Whether {@link #dotTiles} takes tokens in fours through grouped rows of this type (else each on its own). */
    boolean tiles(GgmlType type) {
        return false;
    }

    /** Loads groups g, g+1, ... of a grouped tensor, at most {@code max}, about 2 x LOAD_BYTES; returns how many. */
    int loadGroups(Tensor w, int g, int max) {
        return selectGroups(w, g, Math.max(1, Math.min(2 * LOAD_BYTES / (Tensor.GROUP * w.rowBytes), max)));
    }

    /** Loads groups g and g+1 of a grouped tensor, or only g when {@code max} is 1: a tile for {@link #dotTiles}. */
    int loadTile(Tensor w, int g, int max) {
        return selectGroups(w, g, Math.min(2, max));
    }

    private int selectGroups(Tensor w, int g, int count) {
        rows = w.held();                              // a grouped tensor is always held
        base = w.heldAt((long) g * Tensor.GROUP);
        return count;
    }

    /** out[8 g0 + r] = row r of each loaded group dotted with one token x (+ bias); see VectorKernels. */
    void dotGroups(Tensor w, int count, Input x, float[] out, int g0, float[] bias) {
        throw new UnsupportedOperationException("the scalar kernels read rows, not groups");
    }

    /**
     * out[t][8 g0 + r] = row r of the loaded groups dotted with in[t] (+ bias), for every token:
     * those before {@code fours} (Input.ofTiles; then the load must be a tile, see {@link #loadTile})
     * a group of four (see {@link #dot}), the others each on its own (Input.ofGroups); see VectorKernels.
     */
    void dotTiles(Tensor w, int count, Input[] in, int fours, float[][] out, int g0, float[] bias) {
        throw new UnsupportedOperationException("the scalar kernels read rows, not groups");
    }

    /** Makes the {@code i}th row of the last load the one {@link #dot} reads. */
    void select(Tensor w, int i) {
        at = base + i * w.rowBytes;
    }

    /** A row's bytes; {@code bytes} must hold w.rowBytes. */
    static byte[] read(Tensor w, long row, byte[] bytes) {
        w.copyRows(row, 1, bytes, 0);
        return bytes;
    }

    /**
     * How many of a batch's first tokens llama.cpp multiplies by rows of this type through the
     * kernels that sum in another order than its row-by-row vec_dot on x86 (see {@link #dot}):
     * Q2_K's and Q4_K's repacked gemm takes tokens in fours (the rest go one by one, gemv); Q4_0 and IQ4_NL
     * rows in eights are repacked (repack.cpp, q4_0_8x8 and iq4_nl_8x8), every token through them;
     * IQ4_XS rows in eights go through iqp.cpp's panels in a batch of eight tokens or more.
     */
    static int together(GgmlType type, int tokens, long rows) {
        switch (type) {
            case Q4_0: case IQ4_NL: return rows % 8 == 0 ? tokens : 0;
            case IQ4_XS: return tokens >= 8 && rows % 8 == 0 ? tokens : 0;
            default: return tokens - tokens % 4;
        }
    }

    /**
     * The dot product of the loaded row (see {@link #load}), of a {@code type} tensor, with x.
     * {@code grouped}: x is one of the tokens that llama.cpp multiplies together (see
     * {@link #together}); Q4_0, IQ4_NL, Q2_K, Q4_K and IQ4_XS sum differently then.
     */
    float dot(GgmlType type, Input x, boolean grouped) {
        byte[] b = rows;
        int off = at;
        int n = x.length;
        switch (type) {
            case F32: return dotF32(b, off, x.values, n);
            case F16: return dotF16(b, off, x.values, n);
            case BF16: return dotBf16(b, off, x.values, n);
            case Q8_0: return dotQ8_0(b, off, x, n);
            case Q4_0: case IQ4_NL: return grouped ? dotQ4Repacked(type, b, off, x, n) : dotQ4(type, b, off, x, n);
            case Q5_0: case Q4_1: case Q5_1: return dotQ4(type, b, off, x, n);
            case Q2_K: return dotQ2_K(b, off, x, n, grouped);
            case Q3_K: return dotQ3_K(b, off, x, n);
            case Q4_K: return dotQ4_K(b, off, x, n, grouped);
            case Q5_K: return dotQ5_K(b, off, x, n);
            case Q6_K: return dotQ6_K(b, off, x, n);
            case IQ4_XS: return dotIq4Xs(b, off, x, n, grouped);
            default: throw new EngineException("no kernel for " + type);
        }
    }

    /**
     * out[t][r0 + i] = row i of the last load dotted with in[t] (+ bias[r0 + i]), for its first
     * {@code count} rows and every token; tokens before {@code grouped} are grouped (see
     * {@link #dot}). Rows go in pairs through {@link #dot2}. VectorKernels overrides this for
     * batches of quantised rows, which it decodes once for all the tokens.
     */
    void dotRows(Tensor w, int count, Input[] in, int grouped, float[][] out, int r0, float[] bias) {
        int i = 0;
        for (; i + 1 < count; i += 2) {
            int r = r0 + i;
            for (int t = 0; t < in.length; t++) {
                dot2(w, i, in[t], t < grouped);
                out[t][r] = bias == null ? pair[0] : pair[0] + bias[r];
                out[t][r + 1] = bias == null ? pair[1] : pair[1] + bias[r + 1];
            }
        }
        if (i < count) {
            select(w, i);
            for (int t = 0; t < in.length; t++) {
                float v = dot(w.type, in[t], t < grouped);
                out[t][r0 + i] = bias == null ? v : v + bias[r0 + i];
            }
        }
    }

    /**
     * Rows i and i + 1 of the last load dotted with x, into {@link #pair}: the same sums as two
     * {@link #dot} calls, which VectorKernels computes in one pass for Q8_0, sharing x's loads and
     * each call's fixed cost.
     */
    void dot2(Tensor w, int i, Input x, boolean grouped) {
        select(w, i);
        pair[0] = dot(w.type, x, grouped);
        select(w, i + 1);
        pair[1] = dot(w.type, x, grouped);
    }

    /**
     * Whether {@link #dotHalves} and {@link #madHalves} are worth using for these head sizes. The
     * scalar kernels say no: Attention's own loops are the same sums in the natural order.
     */
    boolean splitsHalves(int headDim, int valueDim) {
        return false;
    }

    /**
     * Where position j of a split vector comes from: a vector of halves loaded as ints holds, per
     * 16, the even-indexed ones in its low halves and the odd-indexed ones in its high halves, so
     * each 16 splits into its 8 even elements, then its 8 odd ones.
     */
    static int splitIndex(int j) {
        int r = j & 15;
        return (j & ~15) + (r < 8 ? 2 * r : 2 * (r - 8) + 1);
    }

    /**
     * ggml_vec_dot_f16 (n a multiple of 4 x lanes) of the F16 row k[base, +n) and q given in split
     * order: the same registers, lanes and reduction as Attention's dotF16.
     */
    float dotHalves(short[] k, int base, float[] q, int n) {
        float[] regs = accF16;
        Arrays.fill(regs, 0);
        for (int j = 0; j < n; j++) {
            int e = splitIndex(j);
            int r = e % regs.length;                           // 4 registers of {@code lanes} over each 4 x lanes elements
            regs[r] = Math.fma(Float16.toFloat(k[base + e]), q[j], regs[r]);
        }
        return reduce(regs, lanes);
    }

    /** acc (split order) = F16(acc + v[base, +n) x s), each value rounded as ggml_vec_mad_f16 rounds it. */
    void madHalves(short[] v, int base, float s, float[] acc, int n) {
        for (int j = 0; j < n; j++) acc[j] = Float16.round(Math.fma(Float16.toFloat(v[base + splitIndex(j)]), s, acc[j]));
    }

    /**
     * kq[j] = key t0 + j (j < Attention.TILE) dotted with q[qOff, +headDim), keys transposed
     * (element i of position p at keys[base + i * cells + p]): one sequential FMA sum per key, as
     * ggml's tiled attention makes it. The vector kernels run a lane per key.
     */
    void dotKeys(float[] keys, int base, int cells, int t0, float[] q, int qOff, int headDim, float[] kq) {
        for (int j = 0; j < Attention.TILE; j++) {
            float s = 0;
            for (int i = 0; i < headDim; i++) s = Math.fma(keys[base + i * cells + t0 + j], q[qOff + i], s);
            kq[j] = s;
        }
    }

    /** acc[d] = values[base + d] x w + acc[d], fused, for d < n. */
    void madFloats(float[] values, int base, float w, float[] acc, int n) {
        for (int d = 0; d < n; d++) acc[d] = Math.fma(values[base + d], w, acc[d]);
    }

    float dotF32(byte[] b, int off, float[] x, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum = Math.fma(getFloat(b, off + 4 * i), x[i], sum);
        return sum;
    }

    /** ggml_vec_dot_f16: 4 registers of {@code lanes} FMA accumulators, tree reduction, double tail. */
    float dotF16(byte[] b, int off, float[] x, int n) {
        int step = 4 * lanes;
        int np = n & ~(step - 1);
        float[] acc = accF16;
        Arrays.fill(acc, 0);
        for (int i = 0; i < np; i += step) {
            for (int j = 0; j < step; j++) acc[j] = Math.fma(Float16.toFloat(getShort(b, off + 2 * (i + j))), x[i + j], acc[j]);
        }
        double sum = reduce(acc, lanes);
        for (int i = np; i < n; i++) sum += Float16.toFloat(getShort(b, off + 2 * i)) * x[i];
        return (float) sum;
    }

    float dotBf16(byte[] b, int off, float[] x, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Float16.bf16ToFloat(getShort(b, off + 2 * i)) * x[i];
        return (float) sum;
    }

    /** GGML_F32_VEC_REDUCE over 4 registers, then _mm512/256_reduce_add_ps's halving order. */
    static float reduce(float[] acc, int lanes) {
        for (int r = 0; r < 2; r++) for (int l = 0; l < lanes; l++) acc[r * lanes + l] += acc[(r + 2) * lanes + l];
        for (int l = 0; l < lanes; l++) acc[l] += acc[lanes + l];
        for (int width = lanes / 2; width >= 1; width /= 2) {
            for (int l = 0; l < width; l++) acc[l] += acc[l + width];
        }
        return acc[0];
    }

    /** ggml_vec_dot_q8_0_q8_0 (AVX2): per block 8 lanes of 4-product sums, FMA into 8 accumulators. */
    float dotQ8_0(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        float[] scales = x.scales;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;   // the 8 lanes, in registers
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * 34 + 2;
            int y = blk * 32;
            float d = Float16.toFloat(getShort(b, p - 2)) * scales[blk];
            a0 = Math.fma(d, (float) dot4(b, p, q, y), a0);
            a1 = Math.fma(d, (float) dot4(b, p + 4, q, y + 4), a1);
            a2 = Math.fma(d, (float) dot4(b, p + 8, q, y + 8), a2);
            a3 = Math.fma(d, (float) dot4(b, p + 12, q, y + 12), a3);
            a4 = Math.fma(d, (float) dot4(b, p + 16, q, y + 16), a4);
            a5 = Math.fma(d, (float) dot4(b, p + 20, q, y + 20), a5);
            a6 = Math.fma(d, (float) dot4(b, p + 24, q, y + 24), a6);
            a7 = Math.fma(d, (float) dot4(b, p + 28, q, y + 28), a7);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));   // hsum_float_8's order
    }

    /** Four signed byte products, one int lane of _mm256_maddubs/madd. */
    private static int dot4(byte[] b, int p, byte[] q, int y) {
        return b[p] * q[y] + b[p + 1] * q[y + 1] + b[p + 2] * q[y + 2] + b[p + 3] * q[y + 3];
    }

    /**
     * Q4_0, Q5_0 and IQ4_NL against Q8_0, and Q4_1 and Q5_1 against Q8_1, in the lane order of the
     * Q8_0 kernel (ggml AVX2); the _1 types' mins against the blocks' sums go into one scalar
     * total, added to the lanes' at the end (ggml_vec_dot_q4_1_q8_1).
     */
    float dotQ4(GgmlType type, byte[] b, int off, Input x, int n) {
        if (type == GgmlType.IQ4_NL) return dotIq4Nl(b, off, x, n);
        byte[] q = x.quants;
        float[] scales = x.scales;
        boolean q5 = hasFifthBits(type);
        boolean min = hasMin(type);
        int size = type.blockBytes;
        int bias = min ? 0 : q5 ? 16 : 8;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * size;
            int qh = q5 ? getInt(b, p + fifthBitsAt(type)) : 0;
            int qs = p + quantsAt(type);
            int y = blk * 32;
            float d = Float16.toFloat(getShort(b, p)) * scales[blk];
            int v0 = getInt(b, qs);              // lanes 0 and 4: bytes 0-3, low then high nibbles
            int v1 = getInt(b, qs + 4);
            int v2 = getInt(b, qs + 8);
            int v3 = getInt(b, qs + 12);
            a0 = Math.fma(d, (float) lane4(v0, 0, qh, 0, bias, q, y), a0);
            a1 = Math.fma(d, (float) lane4(v1, 0, qh, 4, bias, q, y), a1);
            a2 = Math.fma(d, (float) lane4(v2, 0, qh, 8, bias, q, y), a2);
            a3 = Math.fma(d, (float) lane4(v3, 0, qh, 12, bias, q, y), a3);
            a4 = Math.fma(d, (float) lane4(v0, 4, qh, 16, bias, q, y), a4);
            a5 = Math.fma(d, (float) lane4(v1, 4, qh, 20, bias, q, y), a5);
            a6 = Math.fma(d, (float) lane4(v2, 4, qh, 24, bias, q, y), a6);
            a7 = Math.fma(d, (float) lane4(v3, 4, qh, 28, bias, q, y), a7);
        }
        float sum = ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));   // hsum_float_8's order
        return min ? sum + mins(type, b, off, x, n) : sum;
    }

    /** The mins of a Q4_1 or Q5_1 row against the token's block sums, as ggml totals them (gcc contracts summs += m * s). */
    static float mins(GgmlType type, byte[] b, int off, Input x, int n) {
        float mins = 0;
        for (int blk = 0; blk < n / 32; blk++) {
            mins = Math.fma(Float16.toFloat(getShort(b, off + blk * type.blockBytes + 2)), x.blockSums[blk], mins);
        }
        return mins;
    }

    /** Whether blocks of this type add a min (Q4_1, Q5_1: d, m, then as Q4_0, Q5_0): an element is d x its quant + m. */
    static boolean hasMin(GgmlType type) {
        return type == GgmlType.Q4_1 || type == GgmlType.Q5_1;
    }

    /** Whether blocks of this type keep each quant's fifth bit apart, in qh (Q5_0, Q5_1). */
    static boolean hasFifthBits(GgmlType type) {
        return type == GgmlType.Q5_0 || type == GgmlType.Q5_1;
    }

    /** Where a Q4_0/Q5_0/IQ4_NL/Q4_1/Q5_1 block's qh starts: after d, and m when it has one. */
    static int fifthBitsAt(GgmlType type) {
        return hasMin(type) ? 4 : 2;
    }

    /** Where its sixteen bytes of nibbles start: after qh when it has one. */
    static int quantsAt(GgmlType type) {
        return fifthBitsAt(type) + (hasFifthBits(type) ? 4 : 0);
    }

    /** Elements e..e+3 of a Q4_0/Q5_0/Q4_1/Q5_1 block: nibbles of four packed bytes, fifth bits from qh. */
    private static int lane4(int v, int nibble, int qh, int e, int bias, byte[] q, int y) {
        int w0 = (((v >>> nibble) & 0xf) | (((qh >>> e) & 1) << 4)) - bias;
        int w1 = (((v >>> (8 + nibble)) & 0xf) | (((qh >>> (e + 1)) & 1) << 4)) - bias;
        int w2 = (((v >>> (16 + nibble)) & 0xf) | (((qh >>> (e + 2)) & 1) << 4)) - bias;
        int w3 = (((v >>> (24 + nibble)) & 0xf) | (((qh >>> (e + 3)) & 1) << 4)) - bias;
        return w0 * q[y + e] + w1 * q[y + e + 1] + w2 * q[y + e + 2] + w3 * q[y + e + 3];
    }

    private float dotIq4Nl(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        float[] scales = x.scales;
        int[] w = values;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * GgmlType.IQ4_NL.blockBytes;
            unpack4(GgmlType.IQ4_NL, b, p, w);
            int y = blk * 32;
            float d = Float16.toFloat(getShort(b, p)) * scales[blk];
            a0 = Math.fma(d, (float) dot4(w, 0, q, y), a0);
            a1 = Math.fma(d, (float) dot4(w, 4, q, y + 4), a1);
            a2 = Math.fma(d, (float) dot4(w, 8, q, y + 8), a2);
            a3 = Math.fma(d, (float) dot4(w, 12, q, y + 12), a3);
            a4 = Math.fma(d, (float) dot4(w, 16, q, y + 16), a4);
            a5 = Math.fma(d, (float) dot4(w, 20, q, y + 20), a5);
            a6 = Math.fma(d, (float) dot4(w, 24, q, y + 24), a6);
            a7 = Math.fma(d, (float) dot4(w, 28, q, y + 28), a7);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
    }

    /**
     * Q4_0 and IQ4_NL rows as llama.cpp multiplies them once it has repacked them in eights
     * (gemv_q4_b32_8x8_q8_0_lut_avx and its gemm): each block's products summed exactly, then
     * one FMA by the two scales' product a block, into a single total.
     */
    float dotQ4Repacked(GgmlType type, byte[] b, int off, Input x, int n) {
        float acc = 0;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * type.blockBytes;
            acc = Math.fma((float) blockQ4(type, b, p, x, blk * 32), Float16.toFloat(getShort(b, p)) * x.scales[blk], acc);
        }
        return acc;
    }

    /** The exact sum of the products of the Q4_0 or IQ4_NL block at p with x's quants from y. */
    int blockQ4(GgmlType type, byte[] b, int p, Input x, int y) {
        int[] w = values;
        unpack4(type, b, p, w);
        byte[] q = x.quants;
        int sum = 0;
        for (int j = 0; j < 32; j++) sum += w[j] * q[y + j];
        return sum;
    }

    private static int dot4(int[] w, int p, byte[] q, int y) {
        return w[p] * q[y] + w[p + 1] * q[y + 1] + w[p + 2] * q[y + 2] + w[p + 3] * q[y + 3];
    }

    /** The 32 signed values of a Q4_0, Q5_0 or IQ4_NL block, in element order. */
    static void unpack4(GgmlType type, byte[] b, int p, int[] w) {
        if (type == GgmlType.Q5_0) {
            int qh = getInt(b, p + 2);
            for (int j = 0; j < 16; j++) {
                int v = b[p + 6 + j];
                w[j] = ((v & 0xf) | (((qh >>> j) & 1) << 4)) - 16;
                w[j + 16] = (((v >>> 4) & 0xf) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
            }
        } else if (type == GgmlType.IQ4_NL) {
            for (int j = 0; j < 16; j++) {
                int v = b[p + 2 + j];
                w[j] = IQ4_NL_VALUES[v & 0xf];
                w[j + 16] = IQ4_NL_VALUES[(v >>> 4) & 0xf];
            }
        } else {
            for (int j = 0; j < 16; j++) {
                int v = b[p + 2 + j];
                w[j] = (v & 0xf) - 8;
                w[j + 16] = ((v >>> 4) & 0xf) - 8;
            }
        }
    }

    /**
     * Q4_K against Q8_K as llama.cpp sums it on x86, where it repacks Q4_K weights eight rows at
     * a time (repack.cpp, q4_K_8x8_q8_K; every Q4_K matrix in these models has rows in eights).
     * The scaled integer sums of the products and of the mins against the block sums are exact;
     * they go into the float totals with one FMA per super-block for a token on its own (gemv),
     * or one per 64 elements for a token of a group of four (gemm). The row is the products'
     * total less the mins' total.
     */
    float dotQ4_K(byte[] b, int off, Input x, int n, boolean grouped) {
        int[] s = x.sums;
        float acc = 0;
        float accMin = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 144;
            long scales = scalesK4(b, p + 4);
            long mins = minsK4(b, p + 4);
            float yd = x.scales[blk];
            float d = Float16.toFloat(getShort(b, p)) * yd;
            float dmin = Float16.toFloat(getShort(b, p + 2)) * yd;
            int g = blk * 16;
            if (grouped) {
                for (int c = 0; c < 4; c++) {             // 32 bytes: low nibbles are sub-block 2c, high ones 2c + 1
                    int chunk = dotQ4_KChunk(b, p + 16 + 32 * c, x, blk * 256 + 64 * c, scaleK4(scales, 2 * c), scaleK4(scales, 2 * c + 1));
                    int chunkMins = scaleK4(mins, 2 * c) * (s[g + 4 * c] + s[g + 4 * c + 1])
                            + scaleK4(mins, 2 * c + 1) * (s[g + 4 * c + 2] + s[g + 4 * c + 3]);
                    acc = Math.fma((float) chunk, d, acc);
                    accMin = Math.fma((float) chunkMins, dmin, accMin);
                }
            } else {
                int minSum = 0;
                for (int j = 0; j < 8; j++) minSum += scaleK4(mins, j) * (s[g + 2 * j] + s[g + 2 * j + 1]);
                acc = Math.fma((float) dotQ4_KBlock(b, p + 16, x, blk * 256, scales), d, acc);
                accMin = Math.fma((float) minSum, dmin, accMin);
            }
        }
        return acc - accMin;
    }

    /** The four chunks of a super-block's 128 quant bytes at q, summed: byte j of scales is sub-block j's scale. */
    int dotQ4_KBlock(byte[] b, int q, Input x, int y, long scales) {
        int sum = 0;
        for (int c = 0; c < 4; c++) sum += dotQ4_KChunk(b, q + 32 * c, x, y + 64 * c, scaleK4(scales, 2 * c), scaleK4(scales, 2 * c + 1));
        return sum;
    }

    /** scaleLo x (the low nibbles of the 32 bytes at q · x[y, y+32)) + scaleHi x (their high nibbles · x[y+32, y+64)). */
    int dotQ4_KChunk(byte[] b, int q, Input x, int y, int scaleLo, int scaleHi) {
        byte[] xq = x.quants;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < 32; i++) {
            int v = b[q + i] & 0xff;
            lo += (v & 0xf) * xq[y + i];
            hi += (v >>> 4) * xq[y + 32 + i];
        }
        return scaleLo * lo + scaleHi * hi;
    }

    /**
     * Q2_K against Q8_K as llama.cpp sums it on x86 with AVX-512, where it repacks Q2_K weights
     * eight rows at a time (repack.cpp, q2_K_8x8_q8_K). A block: sixteen bytes, each the scale
     * (low nibble) and min (high nibble) of 16 elements; qs (byte 32h + e: bits 2j, 2j + 1 the
     * quant of element 128h + 32j + e); d and dmin (F16). An element is d x scale x quant - dmin x
     * min. As Q4_K: the scaled products and the mins against the block sums are summed exactly,
     * and go into the float totals with one FMA a super-block for a token on its own (gemv), one a
     * 128 elements for a token of a group of four (gemm); the row is the products' total less the mins'.
     */
    float dotQ2_K(byte[] b, int off, Input x, int n, boolean grouped) {
        float acc = 0;
        float accMin = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 84;
            float yd = x.scales[blk];
            float d = Float16.toFloat(getShort(b, p + 80)) * yd;
            float dmin = Float16.toFloat(getShort(b, p + 82)) * yd;
            int first = halfQ2_K(b, p, x, blk * 256, 0);
            int second = halfQ2_K(b, p, x, blk * 256, 1);
            int firstMins = minsQ2_K(b, p, x.sums, blk, 0);
            int secondMins = minsQ2_K(b, p, x.sums, blk, 1);
            if (grouped) {
                acc = Math.fma((float) first, d, acc);
                accMin = Math.fma((float) firstMins, dmin, accMin);
                acc = Math.fma((float) second, d, acc);
                accMin = Math.fma((float) secondMins, dmin, accMin);
            } else {
                acc = Math.fma((float) (first + second), d, acc);
                accMin = Math.fma((float) (firstMins + secondMins), dmin, accMin);
            }
        }
        return acc - accMin;
    }

    /** Half h (elements 128h..128h + 127) of the Q2_K block at p times the token's quants from y, each 16 by its scale: exact. */
    int halfQ2_K(byte[] b, int p, Input x, int y, int h) {
        byte[] q = x.quants;
        int sum = 0;
        for (int sub = 8 * h; sub < 8 * h + 8; sub++) {      // element 16 sub + i is 128h + 32j + e
            int j = sub % 8 / 2;
            int dot = 0;
            for (int e = sub % 2 * 16; e < sub % 2 * 16 + 16; e++) dot += (b[p + 16 + 32 * h + e] >> 2 * j & 3) * q[y + 128 * h + 32 * j + e];
            sum += (b[p + sub] & 0xf) * dot;
        }
        return sum;
    }

    /** Half h's mins of the Q2_K block at p against the token's sums of 16 quants (block blk): exact. */
    static int minsQ2_K(byte[] b, int p, int[] sums, int blk, int h) {
        int sum = 0;
        for (int sub = 8 * h; sub < 8 * h + 8; sub++) sum += (b[p + sub] >> 4 & 0xf) * sums[blk * 16 + sub];
        return sum;
    }

    /**
     * Q3_K against Q8_K in ggml's AVX2 lane order (ggml_vec_dot_q3_K_q8_K; not repacked on x86).
     * A block: hmask (bit 4j + k of byte e: the third bit of element 128j + 32k + e), qs (byte
     * 32j + e: bits 2k, 2k + 1 the low two of that element), twelve bytes of sixteen six-bit
     * scales (scalesQ3_K), d (F16); a quant is its three bits less 4. Int lane l sums elements
     * 4l..4l+3 of every 32 times their scale (per 16 elements: lanes 0-3 take one, 4-7 the
     * next), exactly; one FMA by d a super-block, then hsum_float_8.
     */
    float dotQ3_K(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        int[] scales = q3Scales;
        Arrays.fill(acc, 0);
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 110;
            scalesQ3_K(b, p + 96, scales);
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p + 108));
            int y = blk * 256;
            for (int l = 0; l < 8; l++) {
                int sumi = 0;
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < 4; k++) {
                        int sum = 0;
                        for (int e = 4 * l; e < 4 * l + 4; e++) {
                            int v = (b[p + 32 + 32 * j + e] >> 2 * k & 3) + ((b[p + e] >> 4 * j + k & 1) << 2) - 4;
                            sum += v * q[y + 128 * j + 32 * k + e];
                        }
                        sumi += scales[8 * j + 2 * k + (l >> 2)] * sum;
                    }
                }
                acc[l] = Math.fma(d, (float) sumi, acc[l]);
            }
        }
        return hsum8(acc);
    }

    /**
     * IQ4_XS against Q8_K. A block: d (F16), scales_h (two high bits of each of eight six-bit
     * scales), scales_l (their low four bits, two a byte), then 32 elements a sub-block as IQ4_NL
     * lays them out (sixteen bytes, low nibbles first); an element is d x (scale - 32) x its
     * IQ4_NL value. Alone or in a small batch (ggml_vec_dot_iq4_xs_q8_K, AVX2): int lane l sums
     * elements 4l..4l+3 of every 32 times their scale, one FMA a super-block, then hsum_float_8.
     * Grouped (iqp.cpp's panels, see {@link #together}): the lanes' total, one FMA a super-block.
     */
    float dotIq4Xs(byte[] b, int off, Input x, int n, boolean grouped) {
        byte[] q = x.quants;
        int[] w = values;
        float total = 0;
        Arrays.fill(acc, 0);
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 136;
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            int[] lanes = iq4Lanes;
            Arrays.fill(lanes, 0);
            for (int sub = 0; sub < 8; sub++) {
                int scale = scaleIq4Xs(b, p, sub);
                unpack4(GgmlType.IQ4_NL, b, p + 8 + 16 * sub - 2, w);     // an IQ4_NL block's nibbles, without its d
                for (int l = 0; l < 8; l++) lanes[l] += scale * dot4(w, 4 * l, q, blk * 256 + 32 * sub + 4 * l);
            }
            if (grouped) {
                int sum = 0;
                for (int l = 0; l < 8; l++) sum += lanes[l];
                total = Math.fma((float) sum, d, total);
            } else {
                for (int l = 0; l < 8; l++) acc[l] = Math.fma(d, (float) lanes[l], acc[l]);
            }
        }
        return grouped ? total : hsum8(acc);
    }

    /** Sub-block {@code sub}'s scale in the IQ4_XS block at p: its low four bits from scales_l, high two from scales_h, less 32. */
    static int scaleIq4Xs(byte[] b, int p, int sub) {
        return (b[p + 4 + sub / 2] >> 4 * (sub % 2) & 0xf | (b[p + 2 + sub / 4] >> 2 * (sub % 4) & 3) << 4) - 32;
    }

    /** A Q3_K block's sixteen scales, less 32, from the twelve bytes at p (ggml's kmask unpacking). */
    static void scalesQ3_K(byte[] b, int p, int[] out) {
        int a0 = getInt(b, p);
        int a1 = getInt(b, p + 4);
        int a2 = getInt(b, p + 8);
        unpack4(a0 & 0x0f0f0f0f | (a2 & 0x03030303) << 4, out, 0);
        unpack4(a1 & 0x0f0f0f0f | (a2 >>> 2 & 0x03030303) << 4, out, 4);
        unpack4(a0 >>> 4 & 0x0f0f0f0f | (a2 >>> 4 & 0x03030303) << 4, out, 8);
        unpack4(a1 >>> 4 & 0x0f0f0f0f | (a2 >>> 6 & 0x03030303) << 4, out, 12);
    }

    private static void unpack4(int word, int[] out, int at) {
        for (int i = 0; i < 4; i++) out[at + i] = (word >>> 8 * i & 0xff) - 32;
    }

    /**
     * Q5_K against Q8_K in ggml's AVX2 lane order (ggml_vec_dot_q5_K_q8_K; llama.cpp does not
     * repack Q5_K on x86). A block: d and dmin (F16), the twelve bytes of six-bit scales and mins
     * as Q4_K's, qh (bit 2j of byte e: the fifth bit of element 64j + e, bit 2j + 1 that of
     * 64j + 32 + e), then qs (byte 32j + e: element 64j + e low, 64j + 32 + e high). Int lane l
     * sums elements 4l..4l+3 of every 32, each 32 times its scale, exactly; it goes into float
     * lane l with one FMA by d a super-block. The mins against the block sums are exact too, and
     * go into one scalar total with an FMA (gcc contracts ggml's summs += dmin * sum).
     */
    float dotQ5_K(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        Arrays.fill(acc, 0);
        float mins = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 176;
            long scale = scalesK4(b, p + 4);
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p));
            mins = minsQ5_K(b, p, x, blk, mins);
            int qh = p + 16;
            int y = blk * 256;
            for (int l = 0; l < 8; l++) {
                int sumi = 0;
                for (int j = 0; j < 4; j++) {
                    int qs = p + 48 + 32 * j;
                    int lo = 0;
                    int hi = 0;
                    for (int e = 4 * l; e < 4 * l + 4; e++) {
                        int v = b[qs + e] & 0xff;
                        int h = b[qh + e] >>> 2 * j;
                        lo += ((v & 0xf) | (h & 1) << 4) * q[y + 64 * j + e];
                        hi += ((v >>> 4) | (h & 2) << 3) * q[y + 64 * j + 32 + e];
                    }
                    sumi += scaleK4(scale, 2 * j) * lo + scaleK4(scale, 2 * j + 1) * hi;
                }
                acc[l] = Math.fma(d, (float) sumi, acc[l]);
            }
        }
        return hsum8(acc) + mins;
    }

    /**
     * total plus the Q5_K block at p's mins against x's block sums of super-block blk, times
     * its dmin: an exact int, then one FMA, as gcc compiles ggml's summs += dmin * sum.
     */
    static float minsQ5_K(byte[] b, int p, Input x, int blk, float total) {
        long min = minsK4(b, p + 4);
        int[] sums = x.sums;
        int g = blk * 16;
        int minSum = 0;
        for (int j = 0; j < 8; j++) minSum += scaleK4(min, j) * (sums[g + 2 * j] + sums[g + 2 * j + 1]);
        return Math.fma(-x.scales[blk] * Float16.toFloat(getShort(b, p + 2)), (float) minSum, total);
    }

    /** Q6_K against Q8_K in ggml's AVX2 lane order; the -32 offset is taken off per lane via bsums. */
    float dotQ6_K(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        Arrays.fill(acc, 0);
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 210;
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p + 208));
            for (int l = 0; l < 8; l++) {
                int sumi = 0;
                int half = l >= 4 ? 1 : 0;                          // lanes 4-7 use the odd scale of each pair
                for (int j = 0; j < 2; j++) {
                    int ql = p + 64 * j + 4 * l;
                    int qh = p + 128 + 32 * j + 4 * l;
                    int y = blk * 256 + 128 * j + 4 * l;
                    int sc = p + 192 + 8 * j + half;
                    for (int c = 0; c < 4; c++) {
                        int low = ql + (c & 1) * 32;
                        int shift = c < 2 ? 0 : 4;
                        int yc = y + 32 * c;
                        int s = 0;
                        for (int k = 0; k < 4; k++) {
                            int v = ((b[low + k] >> shift) & 0xf) | (((b[qh + k] >>> (2 * c)) & 3) << 4);
                            s += v * q[yc + k];
                        }
                        sumi += b[sc + 2 * c] * s;
                    }
                }
                int g = blk * 16 + 2 * l;
                sumi -= 32 * (x.sums[g] * b[p + 192 + 2 * l] + x.sums[g + 1] * b[p + 192 + 2 * l + 1]);
                acc[l] = Math.fma(d, (float) sumi, acc[l]);
            }
        }
        return hsum8(acc);
    }

    static short getShort(byte[] b, int i) {
        return (short) SHORT.get(b, i);
    }

    static long getLong(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    static int getInt(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    static float getFloat(byte[] b, int i) {
        return (float) FLOAT.get(b, i);
    }

    /** hsum_float_8: (hi128 + lo128), then movehl, then movehdup. */
    static float hsum8(float[] a) {
        float t0 = a[0] + a[4];
        float t1 = a[1] + a[5];
        float t2 = a[2] + a[6];
        float t3 = a[3] + a[7];
        return (t0 + t2) + (t1 + t3);
    }

    /**
     * The eight 6-bit scales of a Q4_K block, byte j for sub-block j: ggml's get_scale_min_k4 for
     * all eight at once ({@code p} points at scales[12]: bytes 0-3 hold scales 0-3 and the high bits
     * of scales 4-7, bytes 8-11 the low bits of scales and mins 4-7).
     */
    static long scalesK4(byte[] b, int p) {
        long q = getLong(b, p);
        long high = getInt(b, p + 8) & 0x0f0f0f0fL | (q >>> 6 & 0x03030303L) << 4;
        return q & 0x3f3f3f3fL | high << 32;
    }

    /** The eight 6-bit mins of a Q4_K block, byte j for sub-block j, as {@link #scalesK4}. */
    static long minsK4(byte[] b, int p) {
        long q = getLong(b, p);
        long high = getInt(b, p + 8) >>> 4 & 0x0f0f0f0fL | (q >>> 38 & 0x03030303L) << 4;
        return q >>> 32 & 0x3f3f3f3fL | high << 32;
    }

    /** Byte j of scalesK4's or minsK4's eight. */
    static int scaleK4(long packed, int j) {
        return (int) (packed >>> 8 * j) & 0xff;
    }

    /** scalesK4 and minsK4 into arrays. */
    static void scalesK4(byte[] b, int p, int[] sc, int[] mn) {
        long scales = scalesK4(b, p);
        long mins = minsK4(b, p);
        for (int j = 0; j < 8; j++) {
            sc[j] = scaleK4(scales, j);
            mn[j] = scaleK4(mins, j);
        }
    }
}
