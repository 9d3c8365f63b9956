// The quantised dot products of Kernels written with jdk.incubator.vector. Each block's integer
// lane sums are exact, so they equal the scalar kernels' and ggml's, and the float lanes then add
// in the same order: results are bit for bit those of Kernels. A prompt's batch of tokens goes
// through dotRows instead, which decodes each weight row to floats once and makes the same integer
// lane sums with float FMAs (exact below 2^24); one token through Q4_0, Q4_K, Q5_K or Q6_K rows that
// Tensor.hold laid out eight at a time goes through dotGroups, a row per int lane, and a
// batch through dotTiles, four tokens against sixteen rows decoded to floats, a row per float
// lane; the tiled attention's dotKeys and madFloats run a lane per key and per value element,
// each in ggml's order. Loaded only through Kernels.create when the JVM has the module; build.sh
// compiles this file on its own because javac warns about any use of an incubating module.
package hearth.engine;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

// Four rules keep C2 (JDK 17) compiling every operation to a vector instruction; broken, a kernel
// falls back to Java objects (JFR shows gigabytes of Int256Vector and int[]) and runs slower than
// the scalar one: one shape (256 bits) for every species, since a second vector class of an
// element type makes C2's calls on it virtual; no LSHR on short lanes (ASHR and a mask instead);
// no helper methods taking or returning vectors (C2 stops inlining them once several kernels are
// hot); and no vector that one branch updates and another does not (the merge boxes it): such a
// kernel keeps its vectors in a method that returns an int, as dotQ4_KChunk. So each kernel spells
// out the step that turns a short vector of product pairs into int lanes of four: int lane L =
// shorts 2L and 2L+1, elements 4L..4L+3. Where four products fit a short, that is the low short
// added into the high one and shifted down; Q8_0's may not, so it sign-extends both. One more
// limit, measured: a loop body much larger than dotQ8_0x2's (two Q5_0 rows, four Q8_0 rows) runs
// at half speed, though it allocates nothing.
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;     // 32 weight bytes, read as 16 shorts
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;   // 16 activation shorts
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;    // ggml's 8 AVX2 int lanes
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;    // and its 8 float accumulators
    private static final VectorShuffle<Integer> UPPER_TWICE = VectorShuffle.fromValues(I8, 4, 5, 6, 7, 4, 5, 6, 7);
    private static final IntVector HIGH_NIBBLE_SHIFTS = IntVector.fromArray(I8, new int[] {0, 0, 0, 0, 4, 4, 4, 4}, 0);
    // Q5_0's fifth bits: int lane L holds elements 4L..4L+3, whose bits are nibble L of qh
    private static final IntVector NIBBLE_SHIFTS = IntVector.fromArray(I8, new int[] {0, 4, 8, 12, 16, 20, 24, 28}, 0);
    private static final VectorMask<Integer> UPPER_LANES = VectorMask.fromLong(I8, 0xf0);
    // Q6_K's sixteen scales to int lanes: lane l wants scales 2l and 2l+1, bytes 0 and 1 (l even)
    // or 2 and 3 (l odd) of int l / 2
    private static final VectorShuffle<Integer> SCALE_PAIRS = VectorShuffle.fromValues(I8, 0, 0, 1, 1, 2, 2, 3, 3);
    private static final IntVector EVEN_SCALE_SHIFTS = IntVector.fromArray(I8, new int[] {24, 8, 24, 8, 24, 8, 24, 8}, 0);
    private static final ByteVector IQ4_NL_TABLE = ByteVector.fromArray(B32, iq4Table(), 0);  // a nibble's IQ4_NL value, by rearrange
    private static final IntVector HALF_SHIFTS = IntVector.fromArray(I8, new int[] {0, 16, 0, 16, 0, 16, 0, 16}, 0);  // with SCALE_PAIRS: short l to int lane l
    private static final IntVector ODD_SCALE_SHIFTS = IntVector.fromArray(I8, new int[] {16, 0, 16, 0, 16, 0, 16, 0}, 0);

    private static final int TILE_ROWS = 16;            // rows of a tile: two groups of eight (and Q4_K rows a load)

    private static final float MAGIC = 0x1.8p23f;       // 1.5 x 2^23: from it to 2^24 a float's low mantissa bits are an int
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    private final float[] lanes8 = new float[8];
    private final float[] quad = new float[4];          // dotLanes4's four sums
    private final float[] splitSums = new float[8];
    private float[] rowLanes = new float[0];      // a decoded row, in Input.lanes' order
    private float[] rowScales = new float[0];     // and its block scales (Q4_K: d and dmin)
    private int[] rowInts = new int[0];           // Q4_K: each chunk's two mins, laid out as Input.chunkSums;
                                                  // Q6_K: each super-block's scales as dotQ6_K pairs them
    private final float[] chunkTotals = new float[8];
    private final float[] tokenLanes = new float[32]; // dotLanesIq4Xs4: ggml's eight float lanes of each of four tokens
    private final int[] groupScales = new int[128]; // dotQ4_KGroup, dotQ5_KGroup: a super-block's scales and mins, eight rows each (groupMins at 96); dotQ6_KGroup: its scales
    private final float[] groupD = new float[16];   // and its d and dmin (Q6_K: d times x's)
    private final float[] groupLanes = new float[64]; // dotQ6_KGroup: ggml's float lane l of row r at 8l + r
    private final int[] chunkMins = new int[8];
    private float[] tileLanes = new float[0];       // a tile's sixteen rows as floats, eight side by side (decodeTileQ4_K, tileQuantsQ6_K)
    private float[] tileScales = new float[0];      // their d (Q4_K: and dmin), per group and super-block
    private float[] tileMins = new float[0];        // Q4_K: their mins, per group, super-block and chunk
    private final float[] tileSums = new float[64];   // a chunk's sums of the tile, see chunkTile
    private final float[] tileTotals = new float[512]; // and its rows' totals (Q4_K: products, then mins; Q6_K: ggml's lanes)
    private int[] tileScaleInts = new int[0];          // Q6_K: the tile's scales, sub-block s of row r at 128 (g blocks + blk) + 8 s + r
    private final int[] tileInts = new int[64];        // Q6_K: one lane's int sums, row r with token t of group g at 8 (4g + t) + r

    VectorKernels(int lanes) {
        super(lanes);
    }

    @Override
    void releaseScratch() {
        super.releaseScratch();
        rowLanes = new float[0];
        rowScales = new float[0];
        rowInts = new int[0];
        tileLanes = new float[0];
        tileScales = new float[0];
        tileMins = new float[0];
        tileScaleInts = new int[0];
    }

    @Override
    void dot2(Tensor w, int i, Input x, boolean grouped) {
        int off = base + i * w.rowBytes;
        if (w.type == GgmlType.Q8_0) {
            dotQ8_0x2(rows, off, off + w.rowBytes, x, x.length, pair);
        } else {
            super.dot2(w, i, x, grouped);
        }
    }

    /**
     * A batch of tokens (Input.lanes or Input.chunks set) through rows of a quantised type: each row
     * decoded once to floats, then dotted with every token in float lanes. Products are integers
     * and every partial sum stays below 2^24, so the float lanes hold exactly the integers ggml's
     * int lanes hold; from there each format goes on as its one-token kernel does. Anything else
     * goes through Kernels.dotRows.
     */
    @Override
    void dotRows(Tensor w, int count, Input[] in, int grouped, float[][] out, int r0, float[] bias) {
        GgmlType type = w.type;
        boolean lanes = in[0].lanes != null;
        if (type == GgmlType.Q4_K && in[0].chunks != null) dotRowsQ4_K(w, count, in, grouped, out, r0, bias);
        else if (type == GgmlType.Q6_K && lanes) dotRowsQ6_K(w, count, in, out, r0, bias);
        else if ((type == GgmlType.Q8_0 || type == GgmlType.Q5_0) && lanes) dotRowsLanes(w, count, in, out, r0, bias);
        else if (type == GgmlType.IQ4_XS && lanes) dotRowsIq4Xs(w, count, in, grouped, out, r0, bias);
        else super.dotRows(w, count, in, grouped, out, r0, bias);
    }

    /** dotRows for Q8_0 and Q5_0: dotQ8_0's sums, each block's int lanes made by float FMAs. */
    private void dotRowsLanes(Tensor w, int count, Input[] in, float[][] out, int r0, float[] bias) {
        GgmlType type = w.type;
        // Every row of the load decoded first (about 100 KB of floats, in L2), then each token (four
        // at a time) against them all: its inputs, up to 19 KB, are read once per load.
        int n = in[0].length;
        int blocks = n / 32;
        if (rowLanes.length < count * n) rowLanes = new float[count * n];
        if (rowScales.length < count * blocks) rowScales = new float[count * blocks];
        for (int i = 0; i < count; i++) {
            int off = base + i * w.rowBytes;
            if (type == GgmlType.Q8_0) decodeQ8_0(rows, off, n, i * n, i * blocks);
            else decodeQ5_0(rows, off, n, i * n, i * blocks);
        }
        int t = 0;
        for (; t + 3 < in.length; t += 4) {
            for (int i = 0; i < count; i++) {
                dotLanes4(in, t, n, i * n, i * blocks);
                for (int k = 0; k < 4; k++) out[t + k][r0 + i] = bias == null ? quad[k] : quad[k] + bias[r0 + i];
            }
        }
        for (; t < in.length; t++) {
            for (int i = 0; i < count; i++) {
                int r = r0 + i;
                float v = dotLanes(in[t], n, i * n, i * blocks);
                out[t][r] = bias == null ? v : v + bias[r];
            }
        }
    }

    /**
     * Q8_0 only: reading a load first, then dotting it from cache, ran 1.8x faster on a matrix much
     * larger than the caches (0.179 -> 0.095 ns per element on one thread, 0.091 -> 0.050 on two).
     * The other kernels do enough work per byte to hide the waits themselves; for them (Q4_0, Q5_0,
     * F16, grouped Q4_K and Q6_K) reading first measured the same or slower.
     */
    @Override
    boolean readsAhead(GgmlType type) {
        return type == GgmlType.Q8_0;
    }

    @Override
    int rowsPerLoad(Tensor w) {
        return w.type == GgmlType.Q4_K ? TILE_ROWS : super.rowsPerLoad(w);
    }

    /**
     * dotRows for Q4_K: rows in sixteens against tokens in fours, the fours that llama.cpp's gemm
     * takes, through dotTileQ4_K; any other row or token through decodeQ4_K and dotChunksQ4_K.
     */
    private void dotRowsQ4_K(Tensor w, int count, Input[] in, int grouped, float[][] out, int r0, float[] bias) {
        int n = in[0].length;
        int tiled = count - count % TILE_ROWS;
        for (int i = 0; i < tiled; i += TILE_ROWS) {
            decodeTileQ4_K(rows, base + i * w.rowBytes, w.rowBytes, n);
            for (int t = 0; t < grouped; t += 4) dotTileQ4_K(in, t, n, 2, out, r0 + i, bias);
        }
        if (tiled == count && grouped == in.length) return;
        int lanes = (n / 256 + 1) / 2 * 512;                  // a row's floats: whole pairs of super-blocks
        int mins = lanes / 32;
        if (rowLanes.length < count * lanes) rowLanes = new float[count * lanes];
        if (rowScales.length < count * (n / 128)) rowScales = new float[count * (n / 128)];
        if (rowInts.length < count * mins) rowInts = new int[count * mins];
        for (int i = 0; i < count; i++) decodeQ4_K(rows, base + i * w.rowBytes, n, i * lanes, i * (n / 128), i * mins);
        for (int t = 0; t < in.length; t++) {
            for (int i = t < grouped ? tiled : 0; i < count; i++) {
                int r = r0 + i;
                float v = dotChunksQ4_K(in[t], n, t < grouped, i * lanes, i * (n / 128), i * mins);
                out[t][r] = bias == null ? v : v + bias[r];
            }
        }
    }

    /**
     * Q4_0, Q4_K, Q5_K and Q6_K. llama.cpp takes a batch through Q5_K and Q6_K rows a token at a
     * time, with one token's sums, and so do their tiles; Q4_0's and Q4_K's follow its repacked gemm.
     */
    @Override
    boolean tiles(GgmlType type) {
        return type == GgmlType.Q4_K || type == GgmlType.Q6_K || type == GgmlType.Q4_0 || type == GgmlType.Q5_K;
    }

    @Override
    void dotTiles(Tensor w, int count, Input[] in, int fours, float[][] out, int g0, float[] bias) {
        int n = in[0].length;
        if (fours > 0 && w.type == GgmlType.Q4_0) {
            tileArrays(n);
            for (int h = 0; h < 2; h++) {             // a lone group fills both halves, and only its sums are kept
                tileQuantsQ4_0(base + Math.min(h, count - 1) * Tensor.GROUP * w.rowBytes, h, n);
            }
            for (int t = 0; t < fours; t += 4) dotTileQ4_0(in, t, n, count, out, Tensor.GROUP * g0, bias);
        } else if (fours > 0) {
            tileArrays(n);
            boolean q4 = w.type == GgmlType.Q4_K;
            boolean q5 = w.type == GgmlType.Q5_K;
            for (int h = 0; h < 2; h++) {             // a lone group fills both halves, and only its sums are kept
                int at = base + Math.min(h, count - 1) * Tensor.GROUP * w.rowBytes;
                for (int blk = 0; blk < n / 256; blk++) {
                    int gb = h * (n / 256) + blk;
                    if (q4) {
                        int base = at + blk * 144 * Tensor.GROUP;
                        headerQ4_K(base);
                        tileHeaderQ4_K(gb);
                        tileQuantsQ4_K(base, 8 * 256 * gb);
                    } else if (q5) {
                        int base = at + blk * 176 * Tensor.GROUP;
                        headerQ4_K(base);                 // d, dmin, scales and mins as Q4_K's
                        System.arraycopy(groupD, 0, tileScales, 16 * gb, 16);
                        System.arraycopy(groupScales, 16, tileScaleInts, 128 * gb, 16);
                        tileQuantsQ5_K(base, 8 * 256 * gb);
                    } else {
                        int base = at + blk * 210 * Tensor.GROUP;
                        scalesQ6_K(base, 1f);             // groupD: d itself
                        System.arraycopy(groupD, 0, tileScales, 8 * gb, 8);
                        System.arraycopy(groupScales, 0, tileScaleInts, 128 * gb, 128);
                        tileQuantsQ6_K(base, 8 * 256 * gb);
                    }
                }
            }
            for (int t = 0; t < fours; t += 4) {
                if (q4) dotTileQ4_K(in, t, n, count, out, Tensor.GROUP * g0, bias);
                else dotTileLanes(q5, in, t, n, count, out, Tensor.GROUP * g0, bias);
            }
        }
        for (int t = fours; t < in.length; t++) dotGroups(w, count, in[t], out[t], g0, bias);
    }

    /** Makes the tile's arrays large enough for rows of n elements. */
    private void tileArrays(int n) {
        int blocks = n / 256;
        if (tileLanes.length < TILE_ROWS * n) tileLanes = new float[TILE_ROWS * n];
        if (tileScales.length < n / 2) tileScales = new float[n / 2];   // Q4_0's d per row and block; K-quants take a quarter
        if (tileMins.length < 2 * blocks * 4 * 16) tileMins = new float[2 * blocks * 4 * 16];
        if (tileScaleInts.length < 2 * blocks * 128) tileScaleInts = new int[2 * blocks * 128];
    }

    /**
     * A grouped Q6_K super-block's quants times their scales (scalesQ6_K's), eight rows side by
     * side, into tileLanes from at in ggml's lane order: lane l (elements 4l..4l+3 of each 32) of
     * quarter q at 8 (32 l + 4 q), as laneTile reads them.
     */
    private void tileQuantsQ6_K(int base, int at) {
        byte[] q = rows;
        float[] f = tileLanes;
        for (int l = 0; l < 8; l++) {
            for (int j = 0; j < 2; j++) {             // the words laneQ6_K reads, in its order
                int w = base + 144 + 192 * l + 96 * j;
                IntVector h = ByteVector.fromArray(B32, q, w + 64).reinterpretAsInts();
                for (int c = 0; c < 4; c++) {         // quarter 4j + c: low nibbles of word c % 2 (c < 2), else high
                    IntVector ql = ByteVector.fromArray(B32, q, w + 32 * (c % 2)).reinterpretAsInts();
                    IntVector scale = IntVector.fromArray(I8, groupScales, 8 * (2 * (4 * j + c) + l / 4));
                    int o = at + 8 * (32 * l + 4 * (4 * j + c));
                    for (int k = 0; k < 4; k++) {
                        IntVector v = ql.lanewise(LSHR, 8 * k + 4 * (c / 2)).and(0xf)
                                .or(h.lanewise(LSHR, 8 * k + 2 * c).and(3).lanewise(LSHL, 4));
                        ((FloatVector) v.mul(scale).convert(I2F, 0)).intoArray(f, o + 8 * k);
                    }
                }
            }
        }
    }

    /**
     * Tokens t0..t0+3 against the Q6_K or Q5_K tile (its groups, one or two), into out[t0 +
     * t][r0 ..]: dotQ6_K's or dotQ5_KGroup's sums for each row and token, eight rows at once.
     * Each of ggml's int lanes sums four products at a time in a float lane started at 1.5 x 2^23
     * (at most 4 x 63 x 128 x 127 < 2^22, so exact, and the float's low bits are the int); then
     * per row as the one-token kernels: Q6_K's -32 through the bsums and d, Q5_K's d and its mins
     * through the bsums and dmin beside the lanes, and ggml's hsum of the lanes.
     */
    private void dotTileLanes(boolean q5, Input[] in, int t0, int n, int groups, float[][] out, int r0, float[] bias) {
        int blocks = n / 256;
        Arrays.fill(tileTotals, 0f);                  // ggml's float lane l of row r, token t, group g at 8 (8 (4g + t) + l) + r
        Arrays.fill(tileSums, 0f);                    // Q5_K: the mins of row r, token t, group g at 8 (4g + t) + r
        for (int blk = 0; blk < blocks; blk++) {
            for (int l = 0; l < 8; l++) {
                for (int g = 0; g < groups; g++) {
                    laneTile(in[t0].laneFloats, in[t0 + 1].laneFloats, in[t0 + 2].laneFloats, in[t0 + 3].laneFloats,
                            8 * (256 * (g * blocks + blk) + 32 * l), 256 * blk + 32 * l, 32 * g);
                }
                if (q5) addTileQ5_K(in, t0, blocks, groups, blk, l);
                else addTileQ6_K(in, t0, blocks, groups, blk, l);
            }
            if (q5) minsTileQ5_K(in, t0, blocks, groups, blk);
        }
        for (int k = 0; k < 4 * groups; k++) {        // k = 4g + t
            sumLanes(tileTotals, 64 * k, splitSums);
            if (q5) FloatVector.fromArray(F8, splitSums, 0).add(FloatVector.fromArray(F8, tileSums, 8 * k)).intoArray(splitSums, 0);
            putGroup(splitSums, out[t0 + k % 4], r0 + 8 * (k / 4), bias);
        }
    }

    /** One lane of a super-block, four tokens (their laneFloats from x) against eight rows (tileLanes from at), to tileInts from s. */
    private void laneTile(float[] x0, float[] x1, float[] x2, float[] x3, int at, int x, int s) {
        float[] w = tileLanes;
        IntVector i0 = IntVector.zero(I8), i1 = i0, i2 = i0, i3 = i0;
        for (int k = x; k < x + 32; k += 4, at += 32) {   // a quarter's four elements, spelled out: C2 then hoists every range check
            FloatVector a0 = FloatVector.broadcast(F8, MAGIC), a1 = a0, a2 = a0, a3 = a0;
            FloatVector v = FloatVector.fromArray(F8, w, at);
            a0 = v.fma(FloatVector.broadcast(F8, x0[k]), a0);
            a1 = v.fma(FloatVector.broadcast(F8, x1[k]), a1);
            a2 = v.fma(FloatVector.broadcast(F8, x2[k]), a2);
            a3 = v.fma(FloatVector.broadcast(F8, x3[k]), a3);
            v = FloatVector.fromArray(F8, w, at + 8);
            a0 = v.fma(FloatVector.broadcast(F8, x0[k + 1]), a0);
            a1 = v.fma(FloatVector.broadcast(F8, x1[k + 1]), a1);
            a2 = v.fma(FloatVector.broadcast(F8, x2[k + 1]), a2);
            a3 = v.fma(FloatVector.broadcast(F8, x3[k + 1]), a3);
            v = FloatVector.fromArray(F8, w, at + 16);
            a0 = v.fma(FloatVector.broadcast(F8, x0[k + 2]), a0);
            a1 = v.fma(FloatVector.broadcast(F8, x1[k + 2]), a1);
            a2 = v.fma(FloatVector.broadcast(F8, x2[k + 2]), a2);
            a3 = v.fma(FloatVector.broadcast(F8, x3[k + 2]), a3);
            v = FloatVector.fromArray(F8, w, at + 24);
            a0 = v.fma(FloatVector.broadcast(F8, x0[k + 3]), a0);
            a1 = v.fma(FloatVector.broadcast(F8, x1[k + 3]), a1);
            a2 = v.fma(FloatVector.broadcast(F8, x2[k + 3]), a2);
            a3 = v.fma(FloatVector.broadcast(F8, x3[k + 3]), a3);
            i0 = i0.add(a0.reinterpretAsInts());
            i1 = i1.add(a1.reinterpretAsInts());
            i2 = i2.add(a2.reinterpretAsInts());
            i3 = i3.add(a3.reinterpretAsInts());
        }
        int magic = 8 * MAGIC_BITS;                   // once a quarter in each sum (wrapping, as the sums do)
        i0.sub(magic).intoArray(tileInts, s);
        i1.sub(magic).intoArray(tileInts, s + 8);
        i2.sub(magic).intoArray(tileInts, s + 16);
        i3.sub(magic).intoArray(tileInts, s + 24);
    }

    /**
     * A grouped Q5_K super-block's quants (5 bits: qs's nibble and qh's bit) times their scales
     * (headerQ4_K's), eight rows side by side, into tileLanes from at in the lane order of
     * tileQuantsQ6_K: lane l (elements 4l..4l+3 of each 32) of sub-block s at 8 (32 l + 4 s), as
     * laneTile reads them. At most 31 x 63, so laneTile's sums stay exact.
     */
    private void tileQuantsQ5_K(int base, int at) {
        byte[] q = rows;
        float[] f = tileLanes;
        for (int l = 0; l < 8; l++) {
            IntVector h = ByteVector.fromArray(B32, q, base + 32 * (4 + l)).reinterpretAsInts();
            for (int j = 0; j < 4; j++) {             // qs word 12 + 8j + l: sub-block 2j in its low nibbles, 2j + 1 in its high ones
                IntVector a = ByteVector.fromArray(B32, q, base + 32 * (12 + 8 * j + l)).reinterpretAsInts();
                IntVector scales = IntVector.fromArray(I8, groupScales, 8 * (j / 2));
                IntVector lowScale = scales.lanewise(LSHR, 16 * (j % 2)).and(0xff);
                IntVector highScale = scales.lanewise(LSHR, 16 * (j % 2) + 8).and(0xff);
                for (int b = 0; b < 4; b++) {         // byte b: its high bits are bits 2j and 2j + 1 of qh's byte
                    IntVector lo = a.lanewise(LSHR, 8 * b).and(0xf).or(h.lanewise(LSHR, 8 * b + 2 * j).and(1).lanewise(LSHL, 4));
                    IntVector hi = a.lanewise(LSHR, 8 * b + 4).and(0xf).or(h.lanewise(LSHR, 8 * b + 2 * j + 1).and(1).lanewise(LSHL, 4));
                    ((FloatVector) lo.mul(lowScale).convert(I2F, 0)).intoArray(f, at + 8 * (32 * l + 8 * j + b));
                    ((FloatVector) hi.mul(highScale).convert(I2F, 0)).intoArray(f, at + 8 * (32 * l + 8 * j + 4 + b));
                }
            }
        }
    }

    /** Lane l of super-block blk into the tile's float lanes: its exact int times d and the token's scale, as dotQ5_KGroup. */
    private void addTileQ5_K(Input[] in, int t0, int blocks, int groups, int blk, int l) {
        for (int g = 0; g < groups; g++) {
            FloatVector d = FloatVector.fromArray(F8, tileScales, 16 * (g * blocks + blk));
            for (int t = 0; t < 4; t++) {
                int k = 4 * g + t;
                int a = 8 * (8 * k + l);
                ((FloatVector) IntVector.fromArray(I8, tileInts, 8 * k).convert(I2F, 0))
                        .fma(d.mul(in[t0 + t].scales[blk]), FloatVector.fromArray(F8, tileTotals, a)).intoArray(tileTotals, a);
            }
        }
    }

    /** Super-block blk's mins against each token's bsums, times dmin and the token's scale, into the mins' totals (see groupMins). */
    private void minsTileQ5_K(Input[] in, int t0, int blocks, int groups, int blk) {
        for (int g = 0; g < groups; g++) {
            int gb = g * blocks + blk;
            FloatVector dmin = FloatVector.fromArray(F8, tileScales, 16 * gb + 8);
            for (int t = 0; t < 4; t++) {
                groupMins(tileScaleInts, 128 * gb, in[t0 + t].sums, blk, chunkMins, 0);
                IntVector m = IntVector.fromArray(I8, chunkMins, 0);
                int k = 8 * (4 * g + t);
                ((FloatVector) m.convert(I2F, 0)).fma(dmin.mul(-in[t0 + t].scales[blk]), FloatVector.fromArray(F8, tileSums, k))
                        .intoArray(tileSums, k);
            }
        }
    }

    /** Lane l of super-block blk into the tile's float lanes: the -32 through the bsums, then d, as dotQ6_K. */
    private void addTileQ6_K(Input[] in, int t0, int blocks, int groups, int blk, int l) {
        for (int g = 0; g < groups; g++) {
            int gb = g * blocks + blk;
            FloatVector d = FloatVector.fromArray(F8, tileScales, 8 * gb);
            IntVector sc0 = IntVector.fromArray(I8, tileScaleInts, 8 * (16 * gb + 2 * l));
            IntVector sc1 = IntVector.fromArray(I8, tileScaleInts, 8 * (16 * gb + 2 * l + 1));
            for (int t = 0; t < 4; t++) {
                Input x = in[t0 + t];
                int[] bs = x.sums;
                int s = 16 * blk + 2 * l;
                int k = 4 * g + t;
                IntVector sumi = IntVector.fromArray(I8, tileInts, 8 * k).sub(sc0.mul(bs[s]).add(sc1.mul(bs[s + 1])).lanewise(LSHL, 5));
                int a = 8 * (8 * k + l);
                ((FloatVector) sumi.convert(I2F, 0)).fma(d.mul(x.scales[blk]), FloatVector.fromArray(F8, tileTotals, a)).intoArray(tileTotals, a);
            }
        }
    }

    /**
     * Group h of a Q4_0 tile (eight rows laid side by side by Tensor.hold, from at) decoded for
     * dotTileQ4_0: each quant less 8 as a float, element e of row 8h + r at tileLanes[8 (h n + e)
     * + r], as decodeTileQ4_K lays Q4_K's, and each row's d per block at tileScales[8 (h blocks +
     * blk) + r].
     */
    private void tileQuantsQ4_0(int at, int h, int n) {
        byte[] q = rows;
        float[] f = tileLanes;
        int blocks = n / 32;
        for (int blk = 0; blk < blocks; blk++) {
            int p = at + blk * 18 * Tensor.GROUP;
            for (int r = 0; r < Tensor.GROUP; r++) tileScales[8 * (h * blocks + blk) + r] = Float16.toFloat(getShort(q, p + 2 * r));
            for (int k = 0; k < 4; k++) {             // word k: elements 4k.. in its low nibbles, 16 + 4k.. in its high ones
                IntVector v = ByteVector.fromArray(B32, q, p + 16 + 32 * k).reinterpretAsInts();
                int e = 8 * (h * n + 32 * blk + 4 * k);
                for (int b = 0; b < 4; b++) {
                    ((FloatVector) v.lanewise(LSHR, 8 * b).and(0xf).sub(8).convert(I2F, 0)).intoArray(f, e + 8 * b);
                    ((FloatVector) v.lanewise(LSHR, 8 * b + 4).and(0xf).sub(8).convert(I2F, 0)).intoArray(f, e + 8 * (16 + b));
                }
            }
        }
    }

    /**
     * Tokens t0..t0+3 (Input.floats of their Q8_0 quants) against the Q4_0 tile, into out[t0 +
     * t][r0 ..]: Kernels.dotQ4Repacked's sums for each row and token. A block's 32 products sum in
     * a float lane, exactly (at most 32 x 8 x 127 < 2^24, in any order); then one FMA a block by
     * d times the token's scale into the row's total, eight rows at once, as llama.cpp's repacked
     * q4_0_8x8 gemm does.
     */
    private void dotTileQ4_0(Input[] in, int t0, int n, int groups, float[][] out, int r0, float[] bias) {
        Arrays.fill(tileTotals, 0, 64, 0f);
        int blocks = n / 32;
        for (int blk = 0; blk < blocks; blk++) {
            chunkTile(in[t0].floats, in[t0 + 1].floats, in[t0 + 2].floats, in[t0 + 3].floats, n, 32 * blk, 32);
            for (int g = 0; g < 2; g++) {
                FloatVector d = FloatVector.fromArray(F8, tileScales, 8 * (g * blocks + blk));
                for (int t = 0; t < 4; t++) {
                    int k = 8 * (4 * g + t);
                    FloatVector.fromArray(F8, tileSums, k).fma(d.mul(in[t0 + t].scales[blk]), FloatVector.fromArray(F8, tileTotals, k))
                            .intoArray(tileTotals, k);
                }
            }
        }
        for (int k = 0; k < 4 * groups; k++) {        // k = 4g + t
            System.arraycopy(tileTotals, 8 * k, lanes8, 0, 8);
            putGroup(lanes8, out[t0 + k % 4], r0 + 8 * (k / 4), bias);
        }
    }

    /** The grouped super-block's d, dmin and mins that headerQ4_K decoded, into the tile's (see decodeTileQ4_K) at super-block gb. */
    private void tileHeaderQ4_K(int gb) {
        System.arraycopy(groupD, 0, tileScales, 16 * gb, 16);
        for (int c = 0; c < 4; c++) {                 // mins 2c and 2c + 1: bytes of int 2 (c < 2) or 3 of each row
            IntVector m = IntVector.fromArray(I8, groupScales, 16 + 8 * (c / 2));
            int shift = 16 * (c % 2);
            int at = 16 * (4 * gb + c);
            ((FloatVector) m.lanewise(LSHR, shift).and(0xff).convert(I2F, 0)).intoArray(tileMins, at);
            ((FloatVector) m.lanewise(LSHR, shift + 8).and(0xff).convert(I2F, 0)).intoArray(tileMins, at + 8);
        }
    }

    /** A grouped super-block's quants times their scales (headerQ4_K's), eight rows side by side, into tileLanes from at. */
    private void tileQuantsQ4_K(int base, int at) {
        byte[] q = rows;
        float[] f = tileLanes;
        for (int c = 0; c < 4; c++) {                 // 32 bytes a row: low nibbles are sub-block 2c, high ones 2c + 1
            IntVector scales = IntVector.fromArray(I8, groupScales, 8 * (c / 2));
            int shift = 16 * (c % 2);
            FloatVector lo = (FloatVector) scales.lanewise(LSHR, shift).and(0xff).convert(I2F, 0);
            FloatVector hi = (FloatVector) scales.lanewise(LSHR, shift + 8).and(0xff).convert(I2F, 0);
            for (int k = 0; k < 8; k++) {             // elements 64c + 4k.. (low nibbles) and 32 on (high)
                IntVector v = ByteVector.fromArray(B32, q, base + 128 + 32 * (8 * c + k)).reinterpretAsInts();
                int e = at + 8 * (64 * c + 4 * k);
                for (int b = 0; b < 4; b++) {
                    ((FloatVector) v.lanewise(LSHR, 8 * b).and(0xf).convert(I2F, 0)).mul(lo).intoArray(f, e + 8 * b);
                    ((FloatVector) v.lanewise(LSHR, 8 * b + 4).and(0xf).convert(I2F, 0)).mul(hi).intoArray(f, e + 8 * (32 + b));
                }
            }
        }
    }

    /**
     * Sixteen Q4_K rows from the load at off, decoded for dotTileQ4_K: each quant times its
     * sub-block's scale (at most 15 x 63) as a float, element e of row 8g + r at tileLanes[8 (g n
     * + e) + r], so a vector holds one element of eight rows; per eight rows and super-block their
     * d and dmin (tileScales, 16 floats), and per 64-element chunk their two sub-blocks' mins
     * (tileMins, 16 floats).
     */
    private void decodeTileQ4_K(byte[] b, int off, int rowBytes, int n) {
        int blocks = n / 256;
        tileArrays(n);
        float[] f = tileLanes;
        for (int i = 0; i < TILE_ROWS; i++) {
            int g = i / 8;
            int r = i % 8;
            for (int blk = 0; blk < blocks; blk++) {
                int p = off + i * rowBytes + blk * 144;
                scalesK4(b, p + 4, sc, mn);
                int s = (g * blocks + blk) * 16 + r;
                tileScales[s] = Float16.toFloat(getShort(b, p));
                tileScales[s + 8] = Float16.toFloat(getShort(b, p + 2));
                for (int c = 0; c < 4; c++) {
                    int m = ((g * blocks + blk) * 4 + c) * 16 + r;
                    tileMins[m] = mn[2 * c];
                    tileMins[m + 8] = mn[2 * c + 1];
                    int lo = sc[2 * c];
                    int hi = sc[2 * c + 1];
                    int at = 8 * (g * n + blk * 256 + 64 * c) + r;
                    for (int e = 0; e < 32; e++) {
                        int v = b[p + 16 + 32 * c + e];
                        f[at + 8 * e] = (v & 0xf) * lo;
                        f[at + 8 * (32 + e)] = ((v >> 4) & 0xf) * hi;
                    }
                }
            }
        }
    }

    /**
     * Tokens t0..t0+3 (a group of four, so dotQ4_K's grouped sums) against the sixteen rows
     * decodeTileQ4_K decoded, into out[t0 + t][r0 ..]. Chunk by chunk each row's 64 products
     * sum in a float lane, exactly (at most 64 x 945 x 127 < 2^23, in any order); then, in
     * dotQ4_K's order, one FMA per chunk into the row's total and one for its mins, eight rows
     * at once: bit for bit dotQ4_K, with each decoded weight loaded once for four tokens and each
     * token's quant once for sixteen rows.
     */
    private void dotTileQ4_K(Input[] in, int t0, int n, int groups, float[][] out, int r0, float[] bias) {
        Arrays.fill(tileTotals, 0, 128, 0f);
        int blocks = n / 256;
        for (int blk = 0; blk < blocks; blk++) {
            for (int c = 0; c < 4; c++) {
                chunkTile(in[t0].floats, in[t0 + 1].floats, in[t0 + 2].floats, in[t0 + 3].floats, n, 256 * blk + 64 * c, 64);
                addTileQ4_K(in, t0, blocks, blk, c);
            }
        }
        for (int k = 0; k < 4 * groups; k++) {        // k = 4g + t
            FloatVector.fromArray(F8, tileTotals, 8 * k).sub(FloatVector.fromArray(F8, tileTotals, 64 + 8 * k)).intoArray(lanes8, 0);
            putGroup(lanes8, out[t0 + k % 4], r0 + 8 * (k / 4), bias);
        }
    }

    /**
     * The len elements at e0 (a Q4_K chunk, a Q4_0 block) of four tokens against the tile's
     * sixteen rows: row 8g + r with token t at tileSums[8 (4g + t) + r].
     */
    private void chunkTile(float[] x0, float[] x1, float[] x2, float[] x3, int n, int e0, int len) {
        float[] w = tileLanes;
        FloatVector a0 = FloatVector.zero(F8), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int e = e0; e < e0 + len; e++) {
            FloatVector wa = FloatVector.fromArray(F8, w, 8 * e);
            FloatVector wb = FloatVector.fromArray(F8, w, 8 * (n + e));
            FloatVector x = FloatVector.broadcast(F8, x0[e]);
            a0 = wa.fma(x, a0);
            b0 = wb.fma(x, b0);
            x = FloatVector.broadcast(F8, x1[e]);
            a1 = wa.fma(x, a1);
            b1 = wb.fma(x, b1);
            x = FloatVector.broadcast(F8, x2[e]);
            a2 = wa.fma(x, a2);
            b2 = wb.fma(x, b2);
            x = FloatVector.broadcast(F8, x3[e]);
            a3 = wa.fma(x, a3);
            b3 = wb.fma(x, b3);
        }
        float[] s = tileSums;
        a0.intoArray(s, 0);
        a1.intoArray(s, 8);
        a2.intoArray(s, 16);
        a3.intoArray(s, 24);
        b0.intoArray(s, 32);
        b1.intoArray(s, 40);
        b2.intoArray(s, 48);
        b3.intoArray(s, 56);
    }

    /** Chunk c of super-block blk into the tile's totals (tileTotals, then their mins at 64 on), as dotQ4_K's grouped FMAs. */
    private void addTileQ4_K(Input[] in, int t0, int blocks, int blk, int c) {
        int chunk = 4 * blk + c;
        for (int g = 0; g < 2; g++) {
            int s = (g * blocks + blk) * 16;
            FloatVector d = FloatVector.fromArray(F8, tileScales, s);
            FloatVector dmin = FloatVector.fromArray(F8, tileScales, s + 8);
            int m = ((g * blocks + blk) * 4 + c) * 16;
            FloatVector minLo = FloatVector.fromArray(F8, tileMins, m);
            FloatVector minHi = FloatVector.fromArray(F8, tileMins, m + 8);
            for (int t = 0; t < 4; t++) {
                Input x = in[t0 + t];
                int[] bs = x.sums;
                float yd = x.scales[blk];
                int k = 8 * (4 * g + t);
                FloatVector.fromArray(F8, tileSums, k).fma(d.mul(yd), FloatVector.fromArray(F8, tileTotals, k)).intoArray(tileTotals, k);
                // the chunk's mins against its bsums: integers below 2^20, exact in floats, as dotQ4_K's int
                FloatVector mins = minLo.mul(bs[4 * chunk] + bs[4 * chunk + 1]).add(minHi.mul(bs[4 * chunk + 2] + bs[4 * chunk + 3]));
                mins.fma(dmin.mul(yd), FloatVector.fromArray(F8, tileTotals, 64 + k)).intoArray(tileTotals, 64 + k);
            }
        }
    }

    /** dotRows for Q6_K: the load's rows decoded (decodeQ6_K), then each token against them (dotLanesQ6_K). */
    private void dotRowsQ6_K(Tensor w, int count, Input[] in, float[][] out, int r0, float[] bias) {
        int n = in[0].length;
        int blocks = n / 256;
        if (rowLanes.length < count * n) rowLanes = new float[count * n];
        if (rowScales.length < count * blocks) rowScales = new float[count * blocks];
        if (rowInts.length < count * 16 * blocks) rowInts = new int[count * 16 * blocks];
        for (int i = 0; i < count; i++) decodeQ6_K(rows, base + i * w.rowBytes, n, i * n, i * blocks, i * 16 * blocks);
        for (int t = 0; t < in.length; t++) {
            for (int i = 0; i < count; i++) {
                int r = r0 + i;
                float v = dotLanesQ6_K(in[t], n, i * n, i * blocks, i * 16 * blocks);
                out[t][r] = bias == null ? v : v + bias[r];
            }
        }
    }

    /**
     * A Q6_K row: each quant, 0..63, times its scale, in Input.lanes' order, group g = 4j + c of
     * a super-block being its elements 128j + 32c.., lanes 0-3 scaled by scale 8j + 2c and lanes
     * 4-7 by the next, as dotQ6_K's int lanes are; each super-block's d in rowScales, its scales
     * for the bsums correction in rowInts, 16 each, as dotQ6_K pairs them.
     */
    private void decodeQ6_K(byte[] b, int off, int n, int at, int scaleAt, int scalePairsAt) {
        float[] f = rowLanes;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 210;
            rowScales[scaleAt + blk] = Float16.toFloat(getShort(b, p + 208));
            IntVector scales = ByteVector.fromArray(B32, b, p + 192).reinterpretAsInts().rearrange(SCALE_PAIRS);
            scales.lanewise(LSHL, EVEN_SCALE_SHIFTS).lanewise(ASHR, 24).intoArray(rowInts, scalePairsAt + 16 * blk);
            scales.lanewise(LSHL, ODD_SCALE_SHIFTS).lanewise(ASHR, 24).intoArray(rowInts, scalePairsAt + 16 * blk + 8);
        }
        for (int g = 0; g < n / 32; g++) {
            int p = off + (g >> 3) * 210;
            int j = (g >> 2) & 1;
            int c = g & 3;
            IntVector l = ByteVector.fromArray(B32, b, p + 64 * j + 32 * (c & 1)).reinterpretAsInts().lanewise(LSHR, 4 * (c >> 1));
            IntVector h = ByteVector.fromArray(B32, b, p + 128 + 32 * j).reinterpretAsInts().lanewise(LSHR, 2 * c);
            int sc = p + 192 + 8 * j + 2 * c;
            IntVector scale = IntVector.broadcast(I8, b[sc]).blend(b[sc + 1], UPPER_LANES);
            int o = at + 32 * g;
            ((FloatVector) l.and(0xf).or(h.and(3).lanewise(LSHL, 4)).mul(scale).convert(I2F, 0)).intoArray(f, o);
            ((FloatVector) l.lanewise(LSHR, 8).and(0xf).or(h.lanewise(LSHR, 8).and(3).lanewise(LSHL, 4)).mul(scale)
                    .convert(I2F, 0)).intoArray(f, o + 8);
            ((FloatVector) l.lanewise(LSHR, 16).and(0xf).or(h.lanewise(LSHR, 16).and(3).lanewise(LSHL, 4)).mul(scale)
                    .convert(I2F, 0)).intoArray(f, o + 16);
            ((FloatVector) l.lanewise(LSHR, 24).and(0xf).or(h.lanewise(LSHR, 24).and(3).lanewise(LSHL, 4)).mul(scale)
                    .convert(I2F, 0)).intoArray(f, o + 24);
        }
    }

    /**
     * dotQ6_K of the decoded row with x. A lane's four products in one group are at most 4 x 63 x
     * 128 x 127 < 2^22 in magnitude, so summed onto 1.5 x 2^23 they stay exact and its float's
     * low bits are their int: the groups' ints add up to dotQ6_K's lanes, then its -32 correction
     * and scale. (A whole super-block's lane can pass 2^24, and JDK 17 boxes float-to-int casts.)
     */
    private float dotLanesQ6_K(Input x, int n, int at, int scaleAt, int scalePairsAt) {
        float[] w = rowLanes, xl = x.lanes;
        FloatVector acc = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 256; blk++) {
            IntVector sumi = IntVector.zero(I8);
            for (int o = blk * 256; o < blk * 256 + 256; o += 32) {
                int q = at + o;
                FloatVector v = FloatVector.fromArray(F8, w, q).fma(FloatVector.fromArray(F8, xl, o), FloatVector.broadcast(F8, MAGIC));
                v = FloatVector.fromArray(F8, w, q + 8).fma(FloatVector.fromArray(F8, xl, o + 8), v);
                v = FloatVector.fromArray(F8, w, q + 16).fma(FloatVector.fromArray(F8, xl, o + 16), v);
                v = FloatVector.fromArray(F8, w, q + 24).fma(FloatVector.fromArray(F8, xl, o + 24), v);
                sumi = sumi.add(v.reinterpretAsInts()).sub(MAGIC_BITS);
            }
            int sp = scalePairsAt + blk * 16;
            IntVector offset = IntVector.fromArray(I8, rowInts, sp).mul(IntVector.fromArray(I8, x.pairSums, blk * 16))
                    .add(IntVector.fromArray(I8, rowInts, sp + 8).mul(IntVector.fromArray(I8, x.pairSums, blk * 16 + 8)));
            sumi = sumi.sub(offset.lanewise(LSHL, 5));
            acc = ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.broadcast(F8, x.scales[blk] * rowScales[scaleAt + blk]), acc);
        }
        acc.intoArray(lanes8, 0);
        return hsum8(lanes8);
    }

    /**
     * A Q4_K row in Input.chunks' order, each quant times its sub-block's scale (at most 63 x 15,
     * so a chunk's 64 products sum below 2^23 and float lanes hold them exactly); each super-block's
     * d and dmin in rowScales[2b], [2b + 1], its mins in rowInts as Input.chunkSums lays out sums.
     * An odd last super-block leaves lanes 4-7 of its pair as an earlier row left them: finite
     * integers, which meet the zeros Input.chunks pads with.
     */
    private void decodeQ4_K(byte[] b, int off, int n, int at, int scaleAt, int minAt) {
        float[] f = rowLanes;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 144;
            scalesK4(b, p + 4, sc, mn);
            rowScales[scaleAt + 2 * blk] = Float16.toFloat(getShort(b, p));
            rowScales[scaleAt + 2 * blk + 1] = Float16.toFloat(getShort(b, p + 2));
            for (int c = 0; c < 4; c++) {
                int lane = at + blk / 2 * 512 + 4 * (blk % 2) + c;
                int lo = sc[2 * c];
                int hi = sc[2 * c + 1];
                for (int e = 0; e < 32; e++) {
                    int v = b[p + 16 + 32 * c + e];
                    f[lane + 8 * e] = (v & 0xf) * lo;
                    f[lane + 8 * (32 + e)] = ((v >> 4) & 0xf) * hi;
                }
                int m = minAt + blk / 2 * 16 + 4 * (blk % 2) + c;
                rowInts[m] = mn[2 * c];
                rowInts[m + 8] = mn[2 * c + 1];
            }
        }
    }

    /**
     * dotQ4_K of the decoded row with x: each two super-blocks' eight chunk sums in one vector (four
     * accumulators, added at the end: integers, so in any order), their mins in one int vector;
     * then chunk by chunk or block by block as dotQ4_K adds them.
     */
    private float dotChunksQ4_K(Input x, int n, boolean grouped, int at, int scaleAt, int minAt) {
        float[] w = rowLanes, xc = x.chunks;
        int blocks = n / 256;
        float acc = 0;
        float accMin = 0;
        for (int pr = 0; pr < (blocks + 1) / 2; pr++) {
            int o = pr * 512;
            int q = at + o;
            FloatVector a0 = FloatVector.fromArray(F8, w, q).mul(FloatVector.fromArray(F8, xc, o));
            FloatVector a1 = FloatVector.fromArray(F8, w, q + 8).mul(FloatVector.fromArray(F8, xc, o + 8));
            FloatVector a2 = FloatVector.fromArray(F8, w, q + 16).mul(FloatVector.fromArray(F8, xc, o + 16));
            FloatVector a3 = FloatVector.fromArray(F8, w, q + 24).mul(FloatVector.fromArray(F8, xc, o + 24));
            for (int e = 32; e < 512; e += 32) {
                a0 = FloatVector.fromArray(F8, w, q + e).fma(FloatVector.fromArray(F8, xc, o + e), a0);
                a1 = FloatVector.fromArray(F8, w, q + e + 8).fma(FloatVector.fromArray(F8, xc, o + e + 8), a1);
                a2 = FloatVector.fromArray(F8, w, q + e + 16).fma(FloatVector.fromArray(F8, xc, o + e + 16), a2);
                a3 = FloatVector.fromArray(F8, w, q + e + 24).fma(FloatVector.fromArray(F8, xc, o + e + 24), a3);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(chunkTotals, 0);
            IntVector.fromArray(I8, rowInts, minAt + pr * 16).mul(IntVector.fromArray(I8, x.chunkSums, pr * 16))
                    .add(IntVector.fromArray(I8, rowInts, minAt + pr * 16 + 8).mul(IntVector.fromArray(I8, x.chunkSums, pr * 16 + 8)))
                    .intoArray(chunkMins, 0);
            for (int h = 0; h < 2 && 2 * pr + h < blocks; h++) {
                int blk = 2 * pr + h;
                float yd = x.scales[blk];
                float d = rowScales[scaleAt + 2 * blk] * yd;
                float dmin = rowScales[scaleAt + 2 * blk + 1] * yd;
                if (grouped) {
                    for (int c = 4 * h; c < 4 * h + 4; c++) {
                        acc = Math.fma(chunkTotals[c], d, acc);
                        accMin = Math.fma((float) chunkMins[c], dmin, accMin);
                    }
                } else {
                    int sum = 0;
                    int mins = 0;
                    for (int c = 4 * h; c < 4 * h + 4; c++) {
                        sum += (int) chunkTotals[c];
                        mins += chunkMins[c];
                    }
                    acc = Math.fma((float) sum, d, acc);
                    accMin = Math.fma((float) mins, dmin, accMin);
                }
            }
        }
        return acc - accMin;
    }

    /** A Q8_0 row into rowLanes and rowScales: int lane L of the block's bytes holds elements 4L..4L+3. */
    private void decodeQ8_0(byte[] b, int off, int n, int at, int scaleAt) {
        float[] f = rowLanes;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * 34;
            rowScales[scaleAt + blk] = Float16.toFloat(getShort(b, p));
            IntVector q = ByteVector.fromArray(B32, b, p + 2).reinterpretAsInts();
            int o = at + blk * 32;
            ((FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(f, o);
            ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(f, o + 8);
            ((FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).intoArray(f, o + 16);
            ((FloatVector) q.lanewise(ASHR, 24).convert(I2F, 0)).intoArray(f, o + 24);
        }
    }

    /**
     * A Q5_0 row into rowLanes and rowScales, its nibbles read as dotQ4 reads them: int lane L of
     * even holds elements 4L and 4L+2, of odd 4L+1 and 4L+3, each less 16 where its bit is clear,
     * as in dotQ4. (Q4_0 rows never come here: llama.cpp repacks them, Kernels.together.)
     */
    private void decodeQ5_0(byte[] b, int off, int n, int at, int scaleAt) {
        float[] f = rowLanes;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * 22;
            rowScales[scaleAt + blk] = Float16.toFloat(getShort(b, p));
            ShortVector v = ByteVector.fromArray(B32, b, p + 6 - 16).reinterpretAsInts().rearrange(UPPER_TWICE)
                    .lanewise(ASHR, HIGH_NIBBLE_SHIFTS).reinterpretAsShorts();
            IntVector clear = IntVector.broadcast(I8, getInt(b, p + 2)).lanewise(LSHR, NIBBLE_SHIFTS).not().and(15).mul(0x40010);
            IntVector e = v.and((short) 0xf).sub(clear.and(0x100010).reinterpretAsShorts()).reinterpretAsInts();
            IntVector d = v.lanewise(ASHR, 8).and((short) 0xf).sub(clear.lanewise(LSHR, 1).and(0x100010).reinterpretAsShorts()).reinterpretAsInts();
            int o = at + blk * 32;
            ((FloatVector) e.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).intoArray(f, o);
            ((FloatVector) d.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).intoArray(f, o + 8);
            ((FloatVector) e.lanewise(ASHR, 16).convert(I2F, 0)).intoArray(f, o + 16);
            ((FloatVector) d.lanewise(ASHR, 16).convert(I2F, 0)).intoArray(f, o + 24);
        }
    }

    /** The decoded row dotted with x: dotQ8_0's sums, each block's int lanes made by float FMAs. */
    private float dotLanes(Input x, int n, int at, int scaleAt) {
        float[] w = rowLanes, xl = x.lanes;
        FloatVector acc = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int o = blk * 32;
            int q = at + o;
            FloatVector s = block(FloatVector.fromArray(F8, w, q), FloatVector.fromArray(F8, w, q + 8),
                    FloatVector.fromArray(F8, w, q + 16), FloatVector.fromArray(F8, w, q + 24), xl, o);
            acc = s.fma(FloatVector.broadcast(F8, rowScales[scaleAt + blk] * x.scales[blk]), acc);
        }
        acc.intoArray(lanes8, 0);
        return hsum8(lanes8);
    }

    /**
     * dotLanes of tokens t..t+3, into quad: each weight vector loaded once for all four. With two
     * tokens a pass, streaming the decoded rows from L2 took longer than the FMAs on them.
     */
    private void dotLanes4(Input[] in, int t, int n, int at, int scaleAt) {
        float[] w = rowLanes, xl0 = in[t].lanes, xl1 = in[t + 1].lanes, xl2 = in[t + 2].lanes, xl3 = in[t + 3].lanes;
        float[] xs0 = in[t].scales, xs1 = in[t + 1].scales, xs2 = in[t + 2].scales, xs3 = in[t + 3].scales;
        FloatVector acc0 = FloatVector.zero(F8);
        FloatVector acc1 = FloatVector.zero(F8);
        FloatVector acc2 = FloatVector.zero(F8);
        FloatVector acc3 = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int o = blk * 32;
            float d = rowScales[scaleAt + blk];
            FloatVector w0 = FloatVector.fromArray(F8, w, at + o);
            FloatVector w1 = FloatVector.fromArray(F8, w, at + o + 8);
            FloatVector w2 = FloatVector.fromArray(F8, w, at + o + 16);
            FloatVector w3 = FloatVector.fromArray(F8, w, at + o + 24);
            acc0 = block(w0, w1, w2, w3, xl0, o).fma(FloatVector.broadcast(F8, d * xs0[blk]), acc0);
            acc1 = block(w0, w1, w2, w3, xl1, o).fma(FloatVector.broadcast(F8, d * xs1[blk]), acc1);
            acc2 = block(w0, w1, w2, w3, xl2, o).fma(FloatVector.broadcast(F8, d * xs2[blk]), acc2);
            acc3 = block(w0, w1, w2, w3, xl3, o).fma(FloatVector.broadcast(F8, d * xs3[blk]), acc3);
        }
        acc0.intoArray(lanes8, 0);
        quad[0] = hsum8(lanes8);
        acc1.intoArray(lanes8, 0);
        quad[1] = hsum8(lanes8);
        acc2.intoArray(lanes8, 0);
        quad[2] = hsum8(lanes8);
        acc3.intoArray(lanes8, 0);
        quad[3] = hsum8(lanes8);
    }

    /** One block's int lanes as dotLanes makes them: the decoded weights w0..w3 times x's lanes from o. */
    private static FloatVector block(FloatVector w0, FloatVector w1, FloatVector w2, FloatVector w3, float[] x, int o) {
        FloatVector s = w0.mul(FloatVector.fromArray(F8, x, o));
        s = w1.fma(FloatVector.fromArray(F8, x, o + 8), s);
        s = w2.fma(FloatVector.fromArray(F8, x, o + 16), s);
        return w3.fma(FloatVector.fromArray(F8, x, o + 24), s);
    }

    /** dotQ8_0 of two rows at once: the same sums, each row with its own accumulators. */
    private void dotQ8_0x2(byte[] b, int off0, int off1, Input x, int n, float[] out) {
        short[] xp = x.pairs;
        FloatVector acc0 = FloatVector.zero(F8);
        FloatVector acc1 = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int y = blk * 32;
            ShortVector xEven = ShortVector.fromArray(S16, xp, y);
            ShortVector xOdd = ShortVector.fromArray(S16, xp, y + 16);
            float xd = x.scales[blk];
            int p = off0 + blk * 34;
            ShortVector w = ByteVector.fromArray(B32, b, p + 2).reinterpretAsShorts();
            IntVector pairs = w.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xEven).add(w.lanewise(ASHR, 8).mul(xOdd)).reinterpretAsInts();
            IntVector quads = pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
            acc0 = ((FloatVector) quads.convert(I2F, 0)).fma(FloatVector.broadcast(F8, Float16.toFloat(getShort(b, p)) * xd), acc0);
            p = off1 + blk * 34;
            w = ByteVector.fromArray(B32, b, p + 2).reinterpretAsShorts();
            pairs = w.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xEven).add(w.lanewise(ASHR, 8).mul(xOdd)).reinterpretAsInts();
            quads = pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
            acc1 = ((FloatVector) quads.convert(I2F, 0)).fma(FloatVector.broadcast(F8, Float16.toFloat(getShort(b, p)) * xd), acc1);
        }
        acc0.intoArray(lanes8, 0);
        out[0] = hsum8(lanes8);
        acc1.intoArray(lanes8, 0);
        out[1] = hsum8(lanes8);
    }

    @Override
    float dotQ8_0(byte[] b, int off, Input x, int n) {
        short[] xp = x.pairs;
        FloatVector acc = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * 34;
            ShortVector w = ByteVector.fromArray(B32, b, p + 2).reinterpretAsShorts();
            ShortVector even = w.lanewise(LSHL, 8).lanewise(ASHR, 8);
            ShortVector odd = w.lanewise(ASHR, 8);
            int y = blk * 32;
            // |w·x| <= 128·127, so a pair of products still fits a short
            IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, y)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 16)))
                    .reinterpretAsInts();
            IntVector quads = pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            acc = ((FloatVector) quads.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), acc);
        }
        acc.intoArray(lanes8, 0);
        return hsum8(lanes8);
    }

    private static byte[] iq4Table() {
        byte[] t = new byte[32];
        for (int i = 0; i < 32; i++) t[i] = IQ4_NL_VALUES[i % 16];
        return t;
    }

    /**
     * Kernels.dotIq4Nl's sums with ggml's int lanes in a vector: a block's 32 nibbles in element
     * order (as dotQ4 spreads them) pick their values from a table by rearrange, then meet
     * Input.pairs as signed bytes. Four products of up to 127 x 128 need an int: both shorts
     * are sign-extended, as dotQ8_0 does.
     */
    private float dotIq4Nl(byte[] b, int off, Input x, int n) {
        short[] xp = x.pairs;
        FloatVector acc = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * 18;
            ShortVector v = IQ4_NL_TABLE.rearrange(ByteVector.fromArray(B32, b, p + 2 - 16).reinterpretAsInts().rearrange(UPPER_TWICE)
                    .lanewise(LSHR, HIGH_NIBBLE_SHIFTS).reinterpretAsBytes().and((byte) 0xf).toShuffle()).reinterpretAsShorts();
            IntVector pairs = v.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, xp, blk * 32))
                    .add(v.lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, xp, blk * 32 + 16))).reinterpretAsInts();
            IntVector quads = pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16));
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            acc = ((FloatVector) quads.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), acc);
        }
        acc.intoArray(lanes8, 0);
        return hsum8(lanes8);
    }

    /**
     * Kernels.dotIq4Xs's sums with ggml's int lanes in a vector, each sub-block's nibbles read as
     * dotIq4Nl reads a block's; the lanes times the sub-block's scale add up over the super-block.
     */
    @Override
    float dotIq4Xs(byte[] b, int off, Input x, int n, boolean grouped) {
        short[] xp = x.pairs;
        float[] acc = lanes8;                         // not a vector across blocks: see dotQ6_K
        Arrays.fill(acc, 0f);
        float total = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 136;
            IntVector sumi = IntVector.zero(I8);
            for (int sub = 0; sub < 8; sub++) {
                int y = blk * 256 + 32 * sub;
                ShortVector v = IQ4_NL_TABLE.rearrange(ByteVector.fromArray(B32, b, p + 8 + 16 * sub - 16).reinterpretAsInts()
                        .rearrange(UPPER_TWICE).lanewise(LSHR, HIGH_NIBBLE_SHIFTS).reinterpretAsBytes().and((byte) 0xf).toShuffle())
                        .reinterpretAsShorts();
                IntVector pairs = v.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, xp, y))
                        .add(v.lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, xp, y + 16))).reinterpretAsInts();
                int scale = scaleIq4Xs(b, p, sub);
                sumi = sumi.add(pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16)).mul(scale));
            }
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            if (grouped) total = Math.fma((float) sumi.reduceLanes(ADD), d, total);
            else ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
        }
        return grouped ? total : hsum8(acc);
    }

    /**
     * dotRows for IQ4_XS: each row decoded once (decodeIq4Xs), then tokens four at a time against
     * it, in float lanes: a value times its sub-block's scale is at most 127 x 32, and a lane's sum
     * over a super-block at most 8 x 4 x 127 x 32 x 127 < 2^24, so every partial sum is the exact
     * int of dotIq4Xs. Tokens before {@code grouped} then take the panels' one total (see
     * Kernels.together), the others ggml's lanes; a short last four repeats its last token.
     */
    private void dotRowsIq4Xs(Tensor w, int count, Input[] in, int grouped, float[][] out, int r0, float[] bias) {
        int n = in[0].length;
        int blocks = n / 256;
        if (rowLanes.length < count * n) rowLanes = new float[count * n];
        if (rowScales.length < count * blocks) rowScales = new float[count * blocks];
        for (int i = 0; i < count; i++) decodeIq4Xs(rows, base + i * w.rowBytes, n, i * n, i * blocks);
        for (int t = 0; t < in.length; ) {
            int end = t < grouped ? grouped : in.length;
            for (; t < end; t += 4) {
                int last = Math.min(t + 3, end - 1);
                for (int i = 0; i < count; i++) {
                    dotLanesIq4Xs4(in, t, last, n, i * n, i * blocks, end == grouped);
                    for (int k = 0; t + k <= last; k++) out[t + k][r0 + i] = bias == null ? quad[k] : quad[k] + bias[r0 + i];
                }
            }
            t = end;
        }
    }

    /** An IQ4_XS row into rowLanes (Input.lanes' order), each value times its sub-block's scale, and its d's into rowScales. */
    private void decodeIq4Xs(byte[] b, int off, int n, int at, int scaleAt) {
        float[] f = rowLanes;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 136;
            rowScales[scaleAt + blk] = Float16.toFloat(getShort(b, p));
            for (int sub = 0; sub < 8; sub++) {
                IntVector q = IQ4_NL_TABLE.rearrange(ByteVector.fromArray(B32, b, p + 8 + 16 * sub - 16).reinterpretAsInts()
                        .rearrange(UPPER_TWICE).lanewise(LSHR, HIGH_NIBBLE_SHIFTS).reinterpretAsBytes().and((byte) 0xf).toShuffle())
                        .reinterpretAsInts();
                FloatVector scale = FloatVector.broadcast(F8, scaleIq4Xs(b, p, sub));
                int o = at + blk * 256 + 32 * sub;
                ((FloatVector) q.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(f, o);
                ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(f, o + 8);
                ((FloatVector) q.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(f, o + 16);
                ((FloatVector) q.lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(f, o + 24);
            }
        }
    }

    /**
     * The decoded IQ4_XS row at {@code at} dotted with tokens t..last (at most four; the last one
     * stands in for any missing), into quad: per super-block the lanes' exact sums, then one FMA
     * of their total (panel) or of each lane (ggml's vec_dot, then hsum_float_8).
     */
    private void dotLanesIq4Xs4(Input[] in, int t, int last, int n, int at, int scaleAt, boolean panel) {
        float[] w = rowLanes;
        Input x0 = in[t], x1 = in[Math.min(t + 1, last)], x2 = in[Math.min(t + 2, last)], x3 = in[Math.min(t + 3, last)];
        float[] acc = tokenLanes;                     // ggml's eight lanes of each of the four tokens, not vectors across blocks: see dotQ6_K
        Arrays.fill(acc, 0f);
        float total0 = 0, total1 = 0, total2 = 0, total3 = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            FloatVector s0 = FloatVector.zero(F8);
            FloatVector s1 = FloatVector.zero(F8);
            FloatVector s2 = FloatVector.zero(F8);
            FloatVector s3 = FloatVector.zero(F8);
            for (int j = 0; j < 256; j += 8) {
                int o = blk * 256 + j;
                FloatVector v = FloatVector.fromArray(F8, w, at + o);
                s0 = v.fma(FloatVector.fromArray(F8, x0.lanes, o), s0);
                s1 = v.fma(FloatVector.fromArray(F8, x1.lanes, o), s1);
                s2 = v.fma(FloatVector.fromArray(F8, x2.lanes, o), s2);
                s3 = v.fma(FloatVector.fromArray(F8, x3.lanes, o), s3);
            }
            float d = rowScales[scaleAt + blk];
            if (panel) {
                // the lanes' total as an int, as the panels make it (JDK 17 does not compile a vector F2I convert: it runs in Java)
                s0.intoArray(acc, 0);
                s1.intoArray(acc, 8);
                s2.intoArray(acc, 16);
                s3.intoArray(acc, 24);
                total0 = Math.fma((float) intSum(acc, 0), d * x0.scales[blk], total0);
                total1 = Math.fma((float) intSum(acc, 8), d * x1.scales[blk], total1);
                total2 = Math.fma((float) intSum(acc, 16), d * x2.scales[blk], total2);
                total3 = Math.fma((float) intSum(acc, 24), d * x3.scales[blk], total3);
            } else {
                s0.fma(FloatVector.broadcast(F8, d * x0.scales[blk]), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
                s1.fma(FloatVector.broadcast(F8, d * x1.scales[blk]), FloatVector.fromArray(F8, acc, 8)).intoArray(acc, 8);
                s2.fma(FloatVector.broadcast(F8, d * x2.scales[blk]), FloatVector.fromArray(F8, acc, 16)).intoArray(acc, 16);
                s3.fma(FloatVector.broadcast(F8, d * x3.scales[blk]), FloatVector.fromArray(F8, acc, 24)).intoArray(acc, 24);
            }
        }
        if (panel) {
            quad[0] = total0;
            quad[1] = total1;
            quad[2] = total2;
            quad[3] = total3;
            return;
        }
        for (int k = 0; k < 4; k++) {
            System.arraycopy(acc, 8 * k, lanes8, 0, 8);
            quad[k] = hsum8(lanes8);
        }
    }

    /** The eight floats from at, each an exact int, added as ints. */
    private static int intSum(float[] lanes, int at) {
        int sum = 0;
        for (int l = 0; l < 8; l++) sum += (int) lanes[at + l];
        return sum;
    }

    /** Kernels.blockQ4 for Q4_0 and IQ4_NL: dotQ4's or dotIq4Nl's int lanes of one block, added up. */
    @Override
    int blockQ4(GgmlType type, byte[] b, int p, Input x, int y) {
        if (type == GgmlType.IQ4_NL) {
            ShortVector v = IQ4_NL_TABLE.rearrange(ByteVector.fromArray(B32, b, p + 2 - 16).reinterpretAsInts().rearrange(UPPER_TWICE)
                    .lanewise(LSHR, HIGH_NIBBLE_SHIFTS).reinterpretAsBytes().and((byte) 0xf).toShuffle()).reinterpretAsShorts();
            IntVector pairs = v.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, x.pairs, y))
                    .add(v.lanewise(ASHR, 8).mul(ShortVector.fromArray(S16, x.pairs, y + 16))).reinterpretAsInts();
            return pairs.lanewise(LSHL, 16).lanewise(ASHR, 16).add(pairs.lanewise(ASHR, 16)).reduceLanes(ADD);
        }
        ShortVector v = ByteVector.fromArray(B32, b, p + 2 - 16).reinterpretAsInts().rearrange(UPPER_TWICE)
                .lanewise(ASHR, HIGH_NIBBLE_SHIFTS).reinterpretAsShorts();             // as in dotQ4
        IntVector pairs = v.and((short) 0xf).sub((short) 8).mul(ShortVector.fromArray(S16, x.pairs, y))
                .add(v.lanewise(ASHR, 8).and((short) 0xf).sub((short) 8).mul(ShortVector.fromArray(S16, x.pairs, y + 16))).reinterpretAsInts();
        return pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16).reduceLanes(ADD);   // an int, not a vector: see the rules above
    }

    @Override
    float dotQ4(GgmlType type, byte[] b, int off, Input x, int n) {
        if (type == GgmlType.IQ4_NL) return dotIq4Nl(b, off, x, n);
        short[] xp = x.pairs;
        boolean q5 = hasFifthBits(type);
        boolean min = hasMin(type);
        int size = type.blockBytes;
        // What comes off each quant once its fifth bit is in (below): Q4_0's 8, Q5_1's -16 (the
        // 16 that comes off with the bits goes back), none for Q5_0 and Q4_1.
        short bias = (short) (type == GgmlType.Q4_0 ? 8 : type == GgmlType.Q5_1 ? -16 : 0);
        FloatVector acc = FloatVector.zero(F8);
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * size;
            int qs = p + quantsAt(type);
            // The 16 quant bytes, read as the upper half of a load that starts 16 bytes early
            // (Kernels.ROW_PAD keeps it inside the buffer) and copied to both halves: lanes 0-7
            // take short k = bytes 2k, 2k+1 as they are, lanes 8-15 shifted down to their high
            // nibbles. Then lane k holds elements 2k and 2k+1 in all 16 lanes, as in dotQ8_0.
            ShortVector v = ByteVector.fromArray(B32, b, qs - 16).reinterpretAsInts().rearrange(UPPER_TWICE)
                    .lanewise(ASHR, HIGH_NIBBLE_SHIFTS).reinterpretAsShorts();
            // A value is its nibble + 16 x its fifth bit - 16: take 16 off where the bit is clear
            // (Q4_0 and Q4_1 have none: all set, nothing comes off). Lane L's four bits, shifted
            // down and inverted, are multiplied by 2^4 + 2^18: bits 0 and 2 (elements 4L and 4L+2,
            // the even ones) land on bits 4 and 20, the shorts' 16s, and bits 1 and 3 (the odd
            // ones) one higher; no two copies overlap, so nothing carries. No branch on the type
            // here: C2 then merges the two ways' vectors, and stops compiling the vector API's
            // intrinsics in this method for every type (8x slower once Q5_0 and Q5_1 rows met).
            IntVector clear = IntVector.broadcast(I8, q5 ? getInt(b, p + fifthBitsAt(type)) : -1).lanewise(LSHR, NIBBLE_SHIFTS).not().and(15)
                    .mul(0x40010);
            ShortVector even = v.and((short) 0xf).sub(clear.and(0x100010).reinterpretAsShorts()).sub(bias);
            ShortVector odd = v.lanewise(ASHR, 8).and((short) 0xf).sub(clear.lanewise(LSHR, 1).and(0x100010).reinterpretAsShorts()).sub(bias);
            int y = blk * 32;
            IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, y))
                    .add(odd.mul(ShortVector.fromArray(S16, xp, y + 16))).reinterpretAsInts();
            IntVector quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);    // |sum| <= 4 x 32 x 128: a short
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            acc = ((FloatVector) quads.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), acc);
        }
        acc.intoArray(lanes8, 0);
        float sum = hsum8(lanes8);
        return min ? sum + mins(type, b, off, x, n) : sum;   // apart: in the loop above, C2 stops compiling the vector API's intrinsics
    }

    @Override
    int dotQ4_KBlock(byte[] b, int q, Input x, int y, long scales) {
        short[] xp = x.pairs;
        IntVector sum = IntVector.zero(I8);
        for (int c = 0; c < 4; c++) {
            ShortVector v = ByteVector.fromArray(B32, b, q + 32 * c).reinterpretAsShorts();
            int yc = y + 64 * c;
            IntVector lo = v.and((short) 0xf).mul(ShortVector.fromArray(S16, xp, yc))
                    .add(v.lanewise(ASHR, 8).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, yc + 16))).reinterpretAsInts();
            IntVector hi = v.lanewise(ASHR, 4).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, yc + 32))
                    .add(v.lanewise(ASHR, 12).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, yc + 48))).reinterpretAsInts();
            sum = sum.add(lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scaleK4(scales, 2 * c)))
                    .add(hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(scaleK4(scales, 2 * c + 1)));
        }
        return sum.reduceLanes(ADD);                  // an int, not a vector: see the rules above
    }

    @Override
    int dotQ4_KChunk(byte[] b, int q, Input x, int y, int scaleLo, int scaleHi) {
        short[] xp = x.pairs;
        ShortVector v = ByteVector.fromArray(B32, b, q).reinterpretAsShorts();
        IntVector lo = v.and((short) 0xf).mul(ShortVector.fromArray(S16, xp, y))
                .add(v.lanewise(ASHR, 8).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, y + 16))).reinterpretAsInts();
        IntVector hi = v.lanewise(ASHR, 4).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, y + 32))
                .add(v.lanewise(ASHR, 12).and((short) 0xf).mul(ShortVector.fromArray(S16, xp, y + 48))).reinterpretAsInts();
        lo = lo.add(lo.lanewise(LSHL, 16)).lanewise(ASHR, 16);
        hi = hi.add(hi.lanewise(LSHL, 16)).lanewise(ASHR, 16);
        return lo.mul(scaleLo).add(hi.mul(scaleHi)).reduceLanes(ADD);       // an int, not a vector: see the rules above
    }

    @Override
    boolean dotsGroups() {
        return true;
    }

    @Override
    void dotGroups(Tensor w, int count, Input x, float[] out, int g0, float[] bias) {
        for (int i = 0; i < count; i++) {
            int at = base + i * Tensor.GROUP * w.rowBytes;
            if (w.type == GgmlType.Q6_K) dotQ6_KGroup(at, x, out, Tensor.GROUP * (g0 + i), bias);
            else if (w.type == GgmlType.Q5_K) dotQ5_KGroup(at, x, out, Tensor.GROUP * (g0 + i), bias);
            else if (w.type == GgmlType.Q4_0) dotQ4_0Group(at, x, out, Tensor.GROUP * (g0 + i), bias);
            else dotQ4_KGroup(at, x, out, Tensor.GROUP * (g0 + i), bias);
        }
    }

    /**
     * Eight Q4_0 rows, laid side by side by Tensor.hold (a block's eight d's, then its four words
     * of quants, each the eight rows' side by side), dotted with one token x into out[r0..r0+7]:
     * Kernels.dotQ4Repacked's sums, a row a lane, as llama.cpp's repacked q4_0_8x8 gemv keeps
     * them. Each short lane sums 16 products of its row (|sum| <= 16 x 8 x 128) before the one
     * widening to the block's exact total.
     */
    private void dotQ4_0Group(int at, Input x, float[] out, int r0, float[] bias) {
        byte[] q = rows;
        int[] xp = x.quadPairs;
        float[] acc = lanes8;                         // not a vector across blocks: see dotQ6_K
        Arrays.fill(acc, 0f);
        for (int blk = 0; blk < x.length / 32; blk++) {
            int base = at + blk * 18 * Tensor.GROUP;
            ShortVector sum = ShortVector.zero(S16);
            for (int k = 0; k < 4; k++) {             // word k: elements 4k..4k+3 in its low nibbles, 16 on in its high ones
                IntVector v = ByteVector.fromArray(B32, q, base + 16 + 32 * k).reinterpretAsInts();
                int y = 2 * (8 * blk + k);
                sum = sum.add(v.and(0x000f000f).reinterpretAsShorts().sub((short) 8).mul(IntVector.broadcast(I8, xp[y]).reinterpretAsShorts()))
                        .add(v.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().sub((short) 8)
                                .mul(IntVector.broadcast(I8, xp[y + 1]).reinterpretAsShorts()))
                        .add(v.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().sub((short) 8)
                                .mul(IntVector.broadcast(I8, xp[y + 8]).reinterpretAsShorts()))
                        .add(v.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().sub((short) 8)
                                .mul(IntVector.broadcast(I8, xp[y + 9]).reinterpretAsShorts()));
            }
            IntVector sums = sum.reinterpretAsInts();  // int lane r: its two shorts, both row r's
            sums = sums.lanewise(LSHL, 16).lanewise(ASHR, 16).add(sums.lanewise(ASHR, 16));
            // the eight d's (row r's at byte 2r) to int lane r, then to floats, as Float16.toFloat: see dotHalves
            IntVector h = ByteVector.fromArray(B32, q, base).reinterpretAsInts().rearrange(SCALE_PAIRS).lanewise(LSHR, HALF_SHIFTS).and(0xffff);
            IntVector mag = h.and(0x7fff).lanewise(LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(h.and(0x8000).lanewise(LSHL, 16));
            FloatVector d = bits.blend(mag.or(0x70000000).or(h.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000)).reinterpretAsFloats();
            ((FloatVector) sums.convert(I2F, 0)).fma(d.mul(x.scales[blk]), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
        }
        putGroup(acc, out, r0, bias);
    }

    /**
     * Eight Q4_K rows, laid side by side by Tensor.hold at {@code at} in the loaded bytes,
     * dotted with one token x into out[r0..r0+7]: dotQ4_K's sums, each row in an int lane, as
     * llama.cpp's repacked q4_K_8x8 gemv keeps them. A 32-byte load holds four quant bytes of each
     * row, so each short lane meets one broadcast pair of x's quants (Input.quadPairs) and sums 16
     * products of its row and sub-block (|sum| <= 16 x 15 x 128, a short) before one widening and
     * one multiply by the eight rows' scales; one row at a time widens and scales every four
     * products. Integer sums are exact, so this is dotQ4_K bit for bit.
     */
    private void dotQ4_KGroup(int at, Input x, float[] out, int r0, float[] bias) {
        Arrays.fill(groupLanes, 0, 16, 0f);           // ggml's float sums of the eight rows, and of their mins
        for (int blk = 0; blk < x.length / 256; blk++) {
            int base = at + blk * 144 * Tensor.GROUP;
            headerQ4_K(base);
            blockQ4_K(base, blk, x);
        }
        FloatVector.fromArray(F8, groupLanes, 0).sub(FloatVector.fromArray(F8, groupLanes, 8)).intoArray(lanes8, 0);
        putGroup(lanes8, out, r0, bias);
    }

    /**
     * A grouped Q4_K super-block's header, four words each the eight rows' side by side: d and
     * dmin to groupD[r], [8 + r], and the 12 scale bytes unpacked as scalesK4 and minsK4 do, for
     * the eight rows at once: sub-blocks 0-3 to groupScales[r], a byte each, 4-7 to [8 + r], their
     * mins to [16 + r] and [24 + r].
     */
    private void headerQ4_K(int base) {
        byte[] q = rows;
        IntVector dm = ByteVector.fromArray(B32, q, base).reinterpretAsInts();
        IntVector w1 = ByteVector.fromArray(B32, q, base + 32).reinterpretAsInts();
        IntVector w2 = ByteVector.fromArray(B32, q, base + 64).reinterpretAsInts();
        IntVector w3 = ByteVector.fromArray(B32, q, base + 96).reinterpretAsInts();
        w1.and(0x3f3f3f3f).intoArray(groupScales, 0);
        w3.and(0x0f0f0f0f).or(w1.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4)).intoArray(groupScales, 8);
        w2.and(0x3f3f3f3f).intoArray(groupScales, 16);
        w3.lanewise(LSHR, 4).and(0x0f0f0f0f).or(w2.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4)).intoArray(groupScales, 24);
        // d (low halves) and dmin (high) to floats, as Float16.toFloat: see dotHalves
        IntVector h = dm.and(0xffff);
        IntVector mag = h.and(0x7fff).lanewise(LSHL, 13);
        IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(h.and(0x8000).lanewise(LSHL, 16));
        bits.blend(mag.or(0x70000000).or(h.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000)).reinterpretAsFloats().intoArray(groupD, 0);
        h = dm.lanewise(LSHR, 16);
        mag = h.and(0x7fff).lanewise(LSHL, 13);
        bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(h.and(0x8000).lanewise(LSHL, 16));
        bits.blend(mag.or(0x70000000).or(h.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000)).reinterpretAsFloats().intoArray(groupD, 8);
    }

    /** A grouped Q4_K super-block's quants and mins for the eight rows, added into groupLanes (see dotQ4_KGroup). */
    private void blockQ4_K(int base, int blk, Input x) {
        byte[] q = rows;
        int[] xp = x.quadPairs;
        IntVector sumi = IntVector.zero(I8);
        for (int c = 0; c < 4; c++) {                 // 32 bytes a row: low nibbles are sub-block 2c, high ones 2c + 1
            ShortVector lo = ShortVector.zero(S16);
            ShortVector hi = ShortVector.zero(S16);
            for (int k = 0; k < 8; k++) {
                IntVector v = ByteVector.fromArray(B32, q, base + 128 + 32 * (8 * c + k)).reinterpretAsInts();
                int y = 2 * (64 * blk + 16 * c + k);      // elements 256 blk + 64 c + 4k.., and 32 on
                lo = lo.add(v.and(0x000f000f).reinterpretAsShorts().mul(IntVector.broadcast(I8, xp[y]).reinterpretAsShorts()))
                        .add(v.lanewise(LSHR, 8).and(0x000f000f).reinterpretAsShorts().mul(IntVector.broadcast(I8, xp[y + 1]).reinterpretAsShorts()));
                hi = hi.add(v.lanewise(LSHR, 4).and(0x000f000f).reinterpretAsShorts().mul(IntVector.broadcast(I8, xp[y + 16]).reinterpretAsShorts()))
                        .add(v.lanewise(LSHR, 12).and(0x000f000f).reinterpretAsShorts().mul(IntVector.broadcast(I8, xp[y + 17]).reinterpretAsShorts()));
            }
            IntVector loSums = lo.reinterpretAsInts();      // int lane r: its two shorts, both row r's
            IntVector hiSums = hi.reinterpretAsInts();
            loSums = loSums.lanewise(LSHL, 16).lanewise(ASHR, 16).add(loSums.lanewise(ASHR, 16));
            hiSums = hiSums.lanewise(LSHL, 16).lanewise(ASHR, 16).add(hiSums.lanewise(ASHR, 16));
            IntVector scales = IntVector.fromArray(I8, groupScales, 8 * (c / 2));
            int shift = 16 * (c % 2);
            sumi = sumi.add(loSums.mul(scales.lanewise(LSHR, shift).and(0xff)))
                    .add(hiSums.mul(scales.lanewise(LSHR, shift + 8).and(0xff)));
        }
        groupMins(groupScales, 16, x.sums, blk, groupScales, 96);
        IntVector mins = IntVector.fromArray(I8, groupScales, 96);
        float yd = x.scales[blk];
        ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.fromArray(F8, groupD, 0).mul(yd), FloatVector.fromArray(F8, groupLanes, 0))
                .intoArray(groupLanes, 0);
        ((FloatVector) mins.convert(I2F, 0)).fma(FloatVector.fromArray(F8, groupD, 8).mul(yd), FloatVector.fromArray(F8, groupLanes, 8))
                .intoArray(groupLanes, 8);
    }

    /**
     * Eight Q5_K rows, laid side by side by Tensor.hold (a block's 44 words, each the eight rows'
     * copies of it), dotted with one token x: dotQ5_K's sums, each row's eight int lanes kept
     * apart as ggml's are, so a vector holds lane l of the eight rows, as dotQ6_KGroup. A short
     * lane meets two quants of its row's four in lane l (Input.quadPairs); qh's word for lane l,
     * shifted two bits a 64 elements, gives each byte's fifth bit. The mins' totals go into one
     * float per row with an FMA a super-block, as dotQ5_K's. Bit for bit dotQ5_K's results. One
     * method, not a method a lane as laneQ6_K: split, it ran 20 % slower on JDK 17, and JDK 25
     * compiled it whole without boxing (EngineBench: 0.1 MB a token on a Q5_K_M file).
     */
    private void dotQ5_KGroup(int at, Input x, float[] out, int r0, float[] bias) {
        byte[] q = rows;
        int[] xp = x.quadPairs;
        int[] scales = groupScales;
        Arrays.fill(groupLanes, 0f);
        FloatVector mins = FloatVector.zero(F8);
        for (int blk = 0; blk < x.length / 256; blk++) {
            int base = at + blk * 176 * Tensor.GROUP;
            headerQ4_K(base);                         // d, dmin and the scales as Q4_K's: words 0-3
            IntVector low = IntVector.fromArray(I8, scales, 0);
            IntVector high = IntVector.fromArray(I8, scales, 8);
            for (int s = 0; s < 4; s++) {             // sub-block s's scale of the eight rows at 32 + 8s
                low.lanewise(LSHR, 8 * s).and(0xff).intoArray(scales, 32 + 8 * s);
                high.lanewise(LSHR, 8 * s).and(0xff).intoArray(scales, 64 + 8 * s);
            }
            float yd = x.scales[blk];
            FloatVector d = FloatVector.fromArray(F8, groupD, 0).mul(yd);
            for (int l = 0; l < 8; l++) {
                IntVector h = ByteVector.fromArray(B32, q, base + 32 * (4 + l)).reinterpretAsInts();
                IntVector sumi = IntVector.zero(I8);
                for (int j = 0; j < 4; j++) {
                    IntVector a = ByteVector.fromArray(B32, q, base + 32 * (12 + 8 * j + l)).reinterpretAsInts();
                    int y = 2 * (64 * blk + 16 * j + l);  // elements 256 blk + 64 j + 4 l.., and 32 on
                    ShortVector v = a.and(0x0f0f0f0f).or(h.lanewise(LSHL, 4).and(0x10101010)).reinterpretAsShorts();
                    IntVector p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y]).reinterpretAsShorts())
                            .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 1]).reinterpretAsShorts()))
                            .reinterpretAsInts();
                    sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, 32 + 16 * j)));
                    v = a.lanewise(LSHR, 4).and(0x0f0f0f0f).or(h.lanewise(LSHL, 3).and(0x10101010)).reinterpretAsShorts();
                    p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y + 16]).reinterpretAsShorts())
                            .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 17]).reinterpretAsShorts()))
                            .reinterpretAsInts();
                    sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, 40 + 16 * j)));
                    h = h.lanewise(LSHR, 2);
                }
                ((FloatVector) sumi.convert(I2F, 0)).fma(d, FloatVector.fromArray(F8, groupLanes, 8 * l)).intoArray(groupLanes, 8 * l);
            }
            groupMins(groupScales, 16, x.sums, blk, groupScales, 96);
            mins = ((FloatVector) IntVector.fromArray(I8, scales, 96).convert(I2F, 0)).fma(FloatVector.fromArray(F8, groupD, 8).mul(-yd), mins);
        }
        sumLanes(groupLanes, 0, splitSums);
        FloatVector.fromArray(F8, splitSums, 0).add(mins).intoArray(splitSums, 0);
        putGroup(splitSums, out, r0, bias);
    }

    /**
     * The eight rows' mins of super-block blk (headerQ4_K's, packed a byte each in mins[at, at +
     * 16): groupScales 16-31, or a tile's) against x's block sums s, into out[outAt + r]: each
     * row's exact sum of min times the 32 quants' sum, as the scalar kernels'. Through the array:
     * a method returning a vector boxes it.
     */
    private static void groupMins(int[] mins, int at, int[] s, int blk, int[] out, int outAt) {
        IntVector minLo = IntVector.fromArray(I8, mins, at);
        IntVector minHi = IntVector.fromArray(I8, mins, at + 8);
        int g = 16 * blk;
        minLo.and(0xff).mul(s[g] + s[g + 1])
                .add(minLo.lanewise(LSHR, 8).and(0xff).mul(s[g + 2] + s[g + 3]))
                .add(minLo.lanewise(LSHR, 16).and(0xff).mul(s[g + 4] + s[g + 5]))
                .add(minLo.lanewise(LSHR, 24).mul(s[g + 6] + s[g + 7]))
                .add(minHi.and(0xff).mul(s[g + 8] + s[g + 9]))
                .add(minHi.lanewise(LSHR, 8).and(0xff).mul(s[g + 10] + s[g + 11]))
                .add(minHi.lanewise(LSHR, 16).and(0xff).mul(s[g + 12] + s[g + 13]))
                .add(minHi.lanewise(LSHR, 24).mul(s[g + 14] + s[g + 15])).intoArray(out, outAt);
    }

    /**
     * out[r0 + r] = sums[r] (+ bias), for the eight rows of a group. A loop of its own: in a
     * kernel, JDK 25's C2 hoisted its range checks, trapped, and recompiled the kernel boxing its vectors.
     */
    private static void putGroup(float[] sums, float[] out, int r0, float[] bias) {
        for (int r = 0; r < Tensor.GROUP; r++) {
            int row = r0 + r;
            out[row] = bias == null ? sums[r] : sums[r] + bias[row];
        }
    }

    /**
     * Eight Q6_K rows, laid side by side by Tensor.hold, dotted with one token x: dotQ6_K's
     * sums, each row's eight int lanes kept apart as ggml's are (lane l: elements 4l..4l+3 of each
     * 32-element quarter), so a vector holds lane l of the eight rows. A short lane meets two
     * quants, element pairs of its row's four (Input.quadPairs), so its int lane sums lane l's four
     * products of the quarter, as dotQ6_K's does, before the rows' scales; then -32 through the
     * bsums and d, per row and lane; at the end each row's eight float lanes add up as hsum8 does.
     * The same integers, floats and order as dotQ6_K: bit for bit its results, with the
     * eight rows' quants decoded and scaled by one instruction each, and x read once for eight.
     */
    private void dotQ6_KGroup(int at, Input x, float[] out, int r0, float[] bias) {
        Arrays.fill(groupLanes, 0f);
        for (int blk = 0; blk < x.length / 256; blk++) {
            int base = at + blk * 210 * Tensor.GROUP;
            scalesQ6_K(base, x.scales[blk]);
            for (int l = 0; l < 8; l++) laneQ6_K(base, blk, l, x);
        }
        sumLanes(groupLanes, 0, splitSums);
        putGroup(splitSums, out, r0, bias);
    }

    /** A grouped Q6_K super-block's d (times x's) into groupD and its scales into groupScales, sub-block s of row r at 8s + r. */
    private void scalesQ6_K(int base, float xd) {
        byte[] q = rows;
        for (int r = 0; r < Tensor.GROUP; r++) groupD[r] = xd * Float16.toFloat(getShort(q, base + 2 * r));
        for (int m = 0; m < 4; m++) {                 // int r: row r's scales 4m..4m+3, a byte each
            IntVector s = ByteVector.fromArray(B32, q, base + 16 + 32 * m).reinterpretAsInts();
            s.lanewise(LSHL, 24).lanewise(ASHR, 24).intoArray(groupScales, 32 * m);
            s.lanewise(LSHL, 16).lanewise(ASHR, 24).intoArray(groupScales, 32 * m + 8);
            s.lanewise(LSHL, 8).lanewise(ASHR, 24).intoArray(groupScales, 32 * m + 16);
            s.lanewise(ASHR, 24).intoArray(groupScales, 32 * m + 24);
        }
    }

    /**
     * ggml's int lane l of a grouped Q6_K super-block for the eight rows, added into float lane l
     * of groupLanes. A method of its own, as each step of the grouped kernels: with one method per
     * kernel, some JDK 25 runs (not all) compiled dotQ4_KGroup with its vector calls left as calls,
     * boxing every vector (JFR: 30 GB of Int256Vector an answer), most likely past C2's inlining
     * node budget; split this way, none of the runs measured did.
     */
    private void laneQ6_K(int base, int blk, int l, Input x) {
        byte[] q = rows;
        int[] xp = x.quadPairs;
        int[] scales = groupScales;
        IntVector sumi = IntVector.zero(I8);
        for (int j = 0; j < 2; j++) {
            // lane l of quarters 4j..4j+3: ql words (4j low, 4j+2 high nibbles), (4j+1, 4j+3),
            // then the qh word of all four, two bits each from the bottom; a short holds two
            // elements, a 6-bit quant in each byte once the nibbles meet their high bits
            int w = base + 144 + 192 * l + 96 * j;
            IntVector a = ByteVector.fromArray(B32, q, w).reinterpretAsInts();
            IntVector b = ByteVector.fromArray(B32, q, w + 32).reinterpretAsInts();
            IntVector h = ByteVector.fromArray(B32, q, w + 64).reinterpretAsInts();
            int y = 2 * (64 * blk + 32 * j + l);      // quarter 4j + c is 8c further
            int sc = 8 * (8 * j + (l >> 2));          // its scale: sub-block 2 (4j + c) + l / 4
            // the weights' shifts on int lanes, each byte masked: short ones cost C2 a second instruction
            ShortVector v = a.and(0x0f0f0f0f).or(h.lanewise(LSHL, 4).and(0x30303030)).reinterpretAsShorts();
            IntVector p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y]).reinterpretAsShorts())
                    .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 1]).reinterpretAsShorts()))
                    .reinterpretAsInts();
            sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, sc)));
            v = b.and(0x0f0f0f0f).or(h.lanewise(LSHL, 2).and(0x30303030)).reinterpretAsShorts();
            p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y + 16]).reinterpretAsShorts())
                    .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 17]).reinterpretAsShorts()))
                    .reinterpretAsInts();
            sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, sc + 16)));
            v = a.lanewise(LSHR, 4).and(0x0f0f0f0f).or(h.and(0x30303030)).reinterpretAsShorts();
            p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y + 32]).reinterpretAsShorts())
                    .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 33]).reinterpretAsShorts()))
                    .reinterpretAsInts();
            sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, sc + 32)));
            v = b.lanewise(LSHR, 4).and(0x0f0f0f0f).or(h.lanewise(LSHR, 2).and(0x30303030)).reinterpretAsShorts();
            p = v.and((short) 0xff).mul(IntVector.broadcast(I8, xp[y + 48]).reinterpretAsShorts())
                    .add(v.lanewise(ASHR, 8).mul(IntVector.broadcast(I8, xp[y + 49]).reinterpretAsShorts()))
                    .reinterpretAsInts();
            sumi = sumi.add(p.add(p.lanewise(LSHL, 16)).lanewise(ASHR, 16).mul(IntVector.fromArray(I8, scales, sc + 48)));
        }
        // the -32 of every quant: ggml's lane l takes 32 x (scale 2l x sum 2l + scale 2l+1 x sum 2l+1)
        int g = 16 * blk + 2 * l;
        IntVector offset = IntVector.fromArray(I8, scales, 16 * l).mul(x.sums[g])
                .add(IntVector.fromArray(I8, scales, 16 * l + 8).mul(x.sums[g + 1]));
        sumi = sumi.sub(offset.lanewise(LSHL, 5));
        ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.fromArray(F8, groupD, 0), FloatVector.fromArray(F8, groupLanes, 8 * l))
                .intoArray(groupLanes, 8 * l);
    }

    /** sums[r] = hsum8 of the eight lanes of row r, kept at lanes[at + 8l + r]. */
    private void sumLanes(float[] lanes, int at, float[] sums) {
        for (int r = 0; r < Tensor.GROUP; r++) {
            for (int l = 0; l < 8; l++) lanes8[l] = lanes[at + 8 * l + r];
            sums[r] = hsum8(lanes8);
        }
    }

    @Override
    void dotKeys(float[] keys, int base, int cells, int t0, float[] q, int qOff, int headDim, float[] kq) {
        for (int j = 0; j < Attention.TILE; j += 8) {
            FloatVector s = FloatVector.zero(F8);
            for (int i = 0; i < headDim; i++) {
                s = FloatVector.fromArray(F8, keys, base + i * cells + t0 + j).fma(FloatVector.broadcast(F8, q[qOff + i]), s);
            }
            s.intoArray(kq, j);
        }
    }

    @Override
    void madFloats(float[] values, int base, float w, float[] acc, int n) {
        if (n % 8 != 0) {
            super.madFloats(values, base, w, acc, n);
            return;
        }
        FloatVector scale = FloatVector.broadcast(F8, w);
        for (int d = 0; d < n; d += 8) {
            FloatVector.fromArray(F8, values, base + d).fma(scale, FloatVector.fromArray(F8, acc, d)).intoArray(acc, d);
        }
    }

    @Override
    boolean splitsHalves(int headDim, int valueDim) {
        return headDim % (4 * lanes) == 0 && valueDim % 16 == 0;
    }

    // A half to a float, exactly: its magnitude bits moved up to a float's, times 2^112, which
    // rebiases the exponent (subnormal halves included); then the sign; exponent 31 is infinity or NaN.
    // Spelled out for both halves of an int lane, in dotHalves8, dotHalves16 and madHalves (see the
    // rules above); the two dots differ only in how many accumulator pairs their groups rotate through.

    @Override
    float dotHalves(short[] k, int base, float[] q, int n) {
        return lanes == 8 ? dotHalves8(k, base, q, n) : dotHalves16(k, base, q, n);
    }

    /**
     * AVX-512's four registers of 16 lanes: register j takes elements 16j..16j+15 of every 64, so
     * each 16-element group is one register, its even lanes in low and its odd ones in high. The
     * groups rotate through four pairs of accumulators; register 0 is the pair four groups back.
     */
    private float dotHalves16(short[] k, int base, float[] q, int n) {
        FloatVector low0 = FloatVector.zero(F8), high0 = FloatVector.zero(F8);    // the group just read
        FloatVector low1 = FloatVector.zero(F8), high1 = FloatVector.zero(F8);
        FloatVector low2 = FloatVector.zero(F8), high2 = FloatVector.zero(F8);
        FloatVector low3 = FloatVector.zero(F8), high3 = FloatVector.zero(F8);    // three groups before it
        for (int i = 0; i < n; i += 16) {
            IntVector h = ShortVector.fromArray(S16, k, base + i).reinterpretAsInts();
            IntVector lo = h.and(0xffff);
            IntVector mag = lo.and(0x7fff).lanewise(LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(lo.and(0x8000).lanewise(LSHL, 16));
            bits = bits.blend(mag.or(0x70000000).or(lo.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000));
            FloatVector even = bits.reinterpretAsFloats().fma(FloatVector.fromArray(F8, q, i), low3);
            IntVector hi = h.lanewise(LSHR, 16);
            mag = hi.and(0x7fff).lanewise(LSHL, 13);
            bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(hi.and(0x8000).lanewise(LSHL, 16));
            bits = bits.blend(mag.or(0x70000000).or(hi.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000));
            FloatVector odd = bits.reinterpretAsFloats().fma(FloatVector.fromArray(F8, q, i + 8), high3);
            low3 = low2;
            high3 = high2;
            low2 = low1;
            high2 = high1;
            low1 = low0;
            high1 = high0;
            low0 = even;
            high0 = odd;
        }
        // registers 0-3 are now pairs 3, 2, 1, 0: ggml adds 2 into 0 and 3 into 1, then 1 into 0,
        // then reduces 0's 16 lanes by halves, the first halving giving lanes 2m, 2m+1 = low and
        // high m + m+4
        low3.add(low1).add(low2.add(low0)).intoArray(lanes8, 0);
        high3.add(high1).add(high2.add(high0)).intoArray(splitSums, 0);
        return reduceSplit(lanes8, splitSums);
    }

    private float dotHalves8(short[] k, int base, float[] q, int n) {
        FloatVector lowA = FloatVector.zero(F8), highA = FloatVector.zero(F8);    // the 16-element group being read
        FloatVector lowB = FloatVector.zero(F8), highB = FloatVector.zero(F8);    // the one before it
        for (int i = 0; i < n; i += 16) {
            IntVector h = ShortVector.fromArray(S16, k, base + i).reinterpretAsInts();
            IntVector lo = h.and(0xffff);
            IntVector mag = lo.and(0x7fff).lanewise(LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(lo.and(0x8000).lanewise(LSHL, 16));
            bits = bits.blend(mag.or(0x70000000).or(lo.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000));
            FloatVector even = bits.reinterpretAsFloats().fma(FloatVector.fromArray(F8, q, i), lowB);
            IntVector hi = h.lanewise(LSHR, 16);
            mag = hi.and(0x7fff).lanewise(LSHL, 13);
            bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(hi.and(0x8000).lanewise(LSHL, 16));
            bits = bits.blend(mag.or(0x70000000).or(hi.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000));
            FloatVector odd = bits.reinterpretAsFloats().fma(FloatVector.fromArray(F8, q, i + 8), highB);
            lowB = lowA;                      // groups alternate between ggml's registers 0-1 and 2-3
            highB = highA;
            lowA = even;
            highA = odd;
        }
        // ggml adds register 2 into 0 and 3 into 1 (here lanewise: the two pairs hold them in the
        // same places), then 1 into 0, then reduces 0's lanes, lane 2m being low m and 2m+1 high m
        lowA.add(lowB).intoArray(lanes8, 0);
        highA.add(highB).intoArray(splitSums, 0);
        return reduceSplit(lanes8, splitSums);
    }

    /** The last steps of ggml's reduction, on a register whose lane 2m is t[m] + t[m+4] and 2m+1 u[m] + u[m+4]. */
    private static float reduceSplit(float[] t, float[] u) {
        float t0 = t[0] + t[4], t1 = u[0] + u[4], t2 = t[1] + t[5], t3 = u[1] + u[5];
        float t4 = t[2] + t[6], t5 = u[2] + u[6], t6 = t[3] + t[7], t7 = u[3] + u[7];
        float r0 = t0 + t4, r1 = t1 + t5, r2 = t2 + t6, r3 = t3 + t7;
        return (r0 + r2) + (r1 + r3);
    }

    @Override
    void madHalves(short[] v, int base, float s, float[] acc, int n) {
        FloatVector scale = FloatVector.broadcast(F8, s);
        for (int i = 0; i < n; i += 8) {
            // i / 8 even: the group's low halves (its even elements), odd: its high halves
            IntVector h = ShortVector.fromArray(S16, v, base + (i & ~15)).reinterpretAsInts().lanewise(LSHR, (i & 8) << 1).and(0xffff);
            IntVector mag = h.and(0x7fff).lanewise(LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts().or(h.and(0x8000).lanewise(LSHL, 16));
            bits = bits.blend(mag.or(0x70000000).or(h.and(0x8000).lanewise(LSHL, 16)), mag.compare(GE, 0x0f800000));
            // Float16.round, lane by lane
            IntVector f = bits.reinterpretAsFloats().fma(scale, FloatVector.fromArray(F8, acc, i)).reinterpretAsInts();
            IntVector abs = f.and(0x7fffffff);
            IntVector sign = f.and(0x80000000);
            IntVector r = f.add(0xfff).add(f.lanewise(LSHR, 13).and(1)).and(0xffffe000);
            r = r.blend(abs.reinterpretAsFloats().add(0.5f).sub(0.5f).reinterpretAsInts().or(sign), abs.compare(LT, 0x38800000));
            r = r.blend(sign.or(0x7f800000), abs.compare(GE, 0x477ff000));
            r = r.blend(f, abs.compare(GT, 0x7f800000));
            r.reinterpretAsFloats().intoArray(acc, i);
        }
    }

    /**
     * Kernels.halfQ2_K in a vector, read as dotQ3_K reads its low bits: each 32 bytes of qs as 16
     * shorts, an even element's quant in the low byte and the odd one's in the high, two bits
     * further each 32 elements; int lane l of a 32 sums its elements 4l..4l+3, so lanes 0-3 take
     * one scale and 4-7 the next.
     */
    @Override
    int halfQ2_K(byte[] b, int p, Input x, int y, int h) {
        short[] xp = x.pairs;
        ShortVector l = ByteVector.fromArray(B32, b, p + 16 + 32 * h).reinterpretAsShorts();
        IntVector sum = IntVector.zero(I8);
        for (int j = 0; j < 4; j++) {
            int yj = y + 128 * h + 32 * j;
            ShortVector even = l.and((short) 3);
            ShortVector odd = l.lanewise(ASHR, 8).and((short) 3);
            IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, yj)).add(odd.mul(ShortVector.fromArray(S16, xp, yj + 16)))
                    .reinterpretAsInts();
            IntVector quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);   // |sum| <= 4 x 3 x 128
            int sc = p + 8 * h + 2 * j;
            sum = sum.add(quads.mul(IntVector.broadcast(I8, b[sc] & 0xf).blend(b[sc + 1] & 0xf, UPPER_LANES)));
            l = l.lanewise(ASHR, 2);
        }
        return sum.reduceLanes(ADD);                  // an int, not a vector: see the rules above
    }

    /**
     * Kernels.dotQ3_K's sums with ggml's int lanes in a vector, as dotQ5_K: qs's 32 bytes of
     * each 128 elements as 16 shorts, shifted two bits a 32 elements, and hmask shifted one, so
     * an even element finds its bits at 0-1 and 2 (after the shift left), an odd one at 8-9 and 8.
     */
    @Override
    float dotQ3_K(byte[] b, int off, Input x, int n) {
        short[] xp = x.pairs;
        int[] scales = q3Scales;
        float[] acc = lanes8;                       // not a vector across blocks: see dotQ6_K
        Arrays.fill(acc, 0f);
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 110;
            scalesQ3_K(b, p + 96, scales);
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p + 108));
            ShortVector h = ByteVector.fromArray(B32, b, p).reinterpretAsShorts();
            IntVector sumi = IntVector.zero(I8);
            for (int j = 0; j < 2; j++) {
                ShortVector l = ByteVector.fromArray(B32, b, p + 32 + 32 * j).reinterpretAsShorts();
                for (int k = 0; k < 4; k++) {
                    int y = blk * 256 + 128 * j + 32 * k;
                    ShortVector even = l.and((short) 3).or(h.lanewise(LSHL, 2).and((short) 4)).sub((short) 4);
                    ShortVector odd = l.lanewise(ASHR, 8).and((short) 3).or(h.lanewise(ASHR, 6).and((short) 4)).sub((short) 4);
                    IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, y)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 16)))
                            .reinterpretAsInts();
                    IntVector quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);   // |sum| <= 4 x 4 x 128
                    int s = 8 * j + 2 * k;                // lanes 0-3 take scale s, 4-7 the next
                    sumi = sumi.add(quads.mul(IntVector.broadcast(I8, scales[s]).blend(scales[s + 1], UPPER_LANES)));
                    l = l.lanewise(ASHR, 2);
                    h = h.lanewise(ASHR, 1);
                }
            }
            ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
        }
        return hsum8(acc);
    }

    /**
     * Kernels.dotQ5_K's sums with ggml's int lanes in a vector: each 32 bytes of qs as 16 shorts,
     * an even element in each low byte and the odd one after it in the high byte, against
     * Input.pairs, as dotQ6_K; qh shifted two bits a 64 elements, so element 64j + e finds its
     * fifth bit at bit 0 (e even) or 8 (odd), element 64j + 32 + e at bit 1 or 9.
     */
    @Override
    float dotQ5_K(byte[] b, int off, Input x, int n) {
        short[] xp = x.pairs;
        float[] acc = lanes8;                       // not a vector across blocks: see dotQ6_K
        Arrays.fill(acc, 0f);
        float mins = 0;
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 176;
            long scale = scalesK4(b, p + 4);
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p));
            mins = minsQ5_K(b, p, x, blk, mins);
            ShortVector h = ByteVector.fromArray(B32, b, p + 16).reinterpretAsShorts();
            IntVector sumi = IntVector.zero(I8);
            for (int j = 0; j < 4; j++) {
                ShortVector l = ByteVector.fromArray(B32, b, p + 48 + 32 * j).reinterpretAsShorts();
                int y = blk * 256 + 64 * j;
                ShortVector even = l.and((short) 0xf).or(h.lanewise(LSHL, 4).and((short) 0x10));
                ShortVector odd = l.lanewise(ASHR, 8).and((short) 0xf).or(h.lanewise(ASHR, 4).and((short) 0x10));
                IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, y)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 16)))
                        .reinterpretAsInts();
                IntVector quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);   // |sum| <= 4 x 31 x 128
                sumi = sumi.add(quads.mul(scaleK4(scale, 2 * j)));
                even = l.lanewise(ASHR, 4).and((short) 0xf).or(h.lanewise(LSHL, 3).and((short) 0x10));
                odd = l.lanewise(ASHR, 12).and((short) 0xf).or(h.lanewise(ASHR, 5).and((short) 0x10));
                pairs = even.mul(ShortVector.fromArray(S16, xp, y + 32)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 48)))
                        .reinterpretAsInts();
                quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                sumi = sumi.add(quads.mul(scaleK4(scale, 2 * j + 1)));
                h = h.lanewise(ASHR, 2);
            }
            ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
        }
        return hsum8(acc) + mins;
    }

    @Override
    float dotQ6_K(byte[] b, int off, Input x, int n) {
        short[] xp = x.pairs;
        // ggml's eight float lanes live in an array between super-blocks, not in a vector: on a file
        // of Qwen2.5-1.5B's shape (its output matrix is Q6_K), JFR showed the vector carried across
        // this loop boxed, 11 MB a token
        float[] acc = lanes8;
        Arrays.fill(acc, 0f);
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 210;
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p + 208));
            IntVector sumi = IntVector.zero(I8);
            for (int j = 0; j < 2; j++) {
                ShortVector h = ByteVector.fromArray(B32, b, p + 128 + 32 * j).reinterpretAsShorts();
                // quarter c = half takes ql's low nibbles, c = half + 2 their high ones; spelled out
                // twice, the shifts are constants and the loop runs 12 % faster than one over c
                for (int half = 0; half < 2; half++) {
                    ShortVector l = ByteVector.fromArray(B32, b, p + 64 * j + 32 * half).reinterpretAsShorts();
                    ShortVector hl = h.lanewise(ASHR, 2 * half);
                    int y = blk * 256 + 128 * j + 32 * half;
                    int sc = p + 192 + 8 * j + 2 * half;                 // lanes 0-3 take the even scale, 4-7 the odd
                    ShortVector even = l.and((short) 0xf).or(hl.and((short) 3).lanewise(LSHL, 4));
                    ShortVector odd = l.lanewise(ASHR, 8).and((short) 0xf).or(hl.lanewise(ASHR, 8).and((short) 3).lanewise(LSHL, 4));
                    IntVector pairs = even.mul(ShortVector.fromArray(S16, xp, y)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 16)))
                            .reinterpretAsInts();
                    IntVector quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);   // |sum| <= 4 x 63 x 127
                    sumi = sumi.add(quads.mul(IntVector.broadcast(I8, b[sc]).blend(b[sc + 1], UPPER_LANES)));
                    even = l.lanewise(ASHR, 4).and((short) 0xf).or(hl.lanewise(ASHR, 4).and((short) 3).lanewise(LSHL, 4));
                    odd = l.lanewise(ASHR, 12).and((short) 0xf).or(hl.lanewise(ASHR, 12).and((short) 3).lanewise(LSHL, 4));
                    pairs = even.mul(ShortVector.fromArray(S16, xp, y + 64)).add(odd.mul(ShortVector.fromArray(S16, xp, y + 80)))
                            .reinterpretAsInts();
                    quads = pairs.add(pairs.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                    sumi = sumi.add(quads.mul(IntVector.broadcast(I8, b[sc + 4]).blend(b[sc + 5], UPPER_LANES)));
                }
            }
            // the -32 of every quant, through bsums: lane l takes 32 x (scale 2l x sum 2l + scale
            // 2l+1 x sum 2l+1); int m of the scales holds scales 4m..4m+3, so lanes 2m and 2m+1 both
            // read int m and shift their byte to the top
            IntVector scales = ByteVector.fromArray(B32, b, p + 192).reinterpretAsInts().rearrange(SCALE_PAIRS);
            IntVector evenScales = scales.lanewise(LSHL, EVEN_SCALE_SHIFTS).lanewise(ASHR, 24);
            IntVector oddScales = scales.lanewise(LSHL, ODD_SCALE_SHIFTS).lanewise(ASHR, 24);
            IntVector offset = evenScales.mul(IntVector.fromArray(I8, x.pairSums, blk * 16))
                    .add(oddScales.mul(IntVector.fromArray(I8, x.pairSums, blk * 16 + 8)));
            sumi = sumi.sub(offset.lanewise(LSHL, 5));
            ((FloatVector) sumi.convert(I2F, 0)).fma(FloatVector.broadcast(F8, d), FloatVector.fromArray(F8, acc, 0)).intoArray(acc, 0);
        }
        return hsum8(acc);
    }
}
