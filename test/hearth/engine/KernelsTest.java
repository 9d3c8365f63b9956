// Kernels' quantised dot products against a plain reference: dequantise the row (Dequant) and the
// quantised input, multiply in double. Random bytes are valid blocks for every format once the
// F16 scale fields hold sane values, so each format is checked on many random rows. The vector
// kernels (build.sh runs the tests with jdk.incubator.vector) must equal the scalar ones bit for bit.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KernelsTest {
    private static final int COLUMNS = 512;     // two K-quant super-blocks, sixteen 32-blocks
    private static final int ROWS = 20;

    @Test
    void dot_q8_0_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q8_0, new int[] {0});
    }

    @Test
    void dot_q4_0_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q4_0, new int[] {0});
    }

    @Test
    void dot_q4_1_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q4_1, new int[] {0, 2});
    }

    @Test
    void dot_q5_1_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q5_1, new int[] {0, 2});
    }

    @Test
    void dot_q5_0_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q5_0, new int[] {0});
    }

    @Test
    void dot_iq4_nl_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.IQ4_NL, new int[] {0});
    }

    @Test
    void dot_iq4_xs_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.IQ4_XS, new int[] {0});
    }

    /** Which of a batch's tokens llama.cpp multiplies through its repacked or panel kernels (see Kernels.dot). */
    @Test
    void together_followsLlamaCppsKernelChoice() {
        assertEquals(8, Kernels.together(GgmlType.Q4_K, 9, 16), "Q4_K: tokens in fours");
        assertEquals(4, Kernels.together(GgmlType.Q2_K, 7, 16), "Q2_K: tokens in fours");
        assertEquals(1, Kernels.together(GgmlType.Q4_0, 1, 16), "Q4_0 rows in eights: repacked, a token alone too");
        assertEquals(0, Kernels.together(GgmlType.IQ4_NL, 5, 12), "IQ4_NL rows not in eights: not repacked");
        assertEquals(0, Kernels.together(GgmlType.IQ4_XS, 7, 16), "IQ4_XS: panels from eight tokens");
        assertEquals(8, Kernels.together(GgmlType.IQ4_XS, 8, 16));
        assertEquals(0, Kernels.together(GgmlType.IQ4_XS, 9, 20));
    }

    @Test
    void dot_q4_K_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q4_K, new int[] {0, 2});
    }

    @Test
    void dot_q2_K_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q2_K, new int[] {80, 82});
    }

    @Test
    void dot_q3_K_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q3_K, new int[] {108});
    }

    @Test
    void dot_q5_K_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q5_K, new int[] {0, 2});
    }

    @Test
    void scalesK4_isGgmlGetScaleMinK4ForEverySubBlock() {
        Random random = new Random(11);
        byte[] q = new byte[12];
        for (int trial = 0; trial < 1000; trial++) {
            random.nextBytes(q);
            long scales = Kernels.scalesK4(q, 0);
            long mins = Kernels.minsK4(q, 0);
            for (int j = 0; j < 8; j++) {
                // ggml-quants.c get_scale_min_k4(j, q, &d, &m), as written there
                int d = j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | (((q[j - 4] & 0xff) >> 6) << 4);
                int m = j < 4 ? q[j + 4] & 63 : ((q[j + 4] & 0xff) >> 4) | (((q[j] & 0xff) >> 6) << 4);
                assertEquals(d, Kernels.scaleK4(scales, j), "scale " + j);
                assertEquals(m, Kernels.scaleK4(mins, j), "min " + j);
            }
        }
    }

    /**
     * Q4_K, Q5_K and Q6_K rows read from a file into groups of eight: each row reads back as the file
     * has it, and one token through the grouped vector kernel gives the row-by-row scalar sums
     * bit for bit, random and at the largest sums (every quant at its largest, every activation
     * at -127 x its scale; Q6_K's scales -1 and 127).
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void groupedRows_readBackAndDotAsRowByRow(GgmlType type, @TempDir Path dir) throws IOException {
        Kernels vector = Kernels.create(8);
        Kernels scalar = new Kernels(8);
        int rows = 24;
        int rowBytes = (int) type.bytes(COLUMNS);
        for (int fill : new int[] {-1, 0xff, 0x7f, 0x88}) {
            Random random = new Random(fill);
            byte[] bytes = new byte[rowBytes * rows];
            if (fill < 0) random.nextBytes(bytes);
            else Arrays.fill(bytes, (byte) fill);
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < bytes.length; p += type.blockBytes) {
                if (type == GgmlType.Q6_K) {
                    buffer.putShort(p + 208, blockScale(random));
                } else {
                    buffer.putShort(p, blockScale(random));
                    buffer.putShort(p + 2, blockScale(random));
                }
            }
            Path file = dir.resolve(type + "-" + fill);
            Files.write(file, bytes);
            Tensor w = new Tensor("w", type, new long[] {COLUMNS, rows}, new ByteBuffer[] {buffer}, rows, 0);
            float[] x = fill < 0 ? randomValues(random, false) : new float[COLUMNS];
            if (fill >= 0) Arrays.fill(x, -1f);
            float[] bias = new float[rows];
            for (int r = 0; r < rows; r++) bias[r] = r % 3 - 1;
            Input in = new Input.Pool().ofGroups(type, x, COLUMNS, 0);
            float[][] expected = new float[1][rows];
            assertEquals(rows, scalar.load(w, 0, rows));
            scalar.dotRows(w, rows, new Input[] {in}, Kernels.together(type, 1, rows), expected, 0, bias);

            assertTrue(w.groupable());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                w.hold(channel, true, new byte[(int) w.heldBytes() + 7], 7);   // at an offset, as in an array shared with others
            }
            byte[] row = new byte[rowBytes];
            for (int r = 0; r < rows; r++) {
                w.copyRows(r, 1, row, 0);
                assertTrue(Arrays.equals(bytes, r * rowBytes, (r + 1) * rowBytes, row, 0, rowBytes), "fill " + fill + ", row " + r);
            }
            float[][] fromRows = new float[1][rows];
            assertEquals(rows, scalar.load(w, 0, rows));
            scalar.dotRows(w, rows, new Input[] {in}, Kernels.together(type, 1, rows), fromRows, 0, bias);
            assertTrue(Arrays.equals(expected[0], fromRows[0]), "fill " + fill + ": rows read back from groups");
            if (!vector.dotsGroups()) {
                System.err.println("KernelsTest: no " + Kernels.VECTOR_MODULE + " in this JVM, grouped " + type + " kernel not tested");
                continue;
            }
            float[] actual = new float[rows];
            for (int g = 0; g < rows / 8; ) {
                int count = vector.loadGroups(w, g, rows / 8 - g);
                vector.dotGroups(w, count, in, actual, g, bias);
                g += count;
            }
            for (int r = 0; r < rows; r++) {
                assertEquals(Float.floatToRawIntBits(expected[0][r]), Float.floatToRawIntBits(actual[r]),
                        "fill " + fill + ", row " + r + ": scalar " + expected[0][r] + ", grouped " + actual[r]);
            }
            assertSameGroupedBatches(scalar, w, x, bias, "fill " + fill);
        }
    }

    /**
     * A batch through Matmul on grouped rows (tokens in fours against tiles of two groups, the
     * third group on its own, any other token alone) equals the scalar kernels row by row, bit
     * for bit; x rotated by 7 per token.
     */
    private static void assertSameGroupedBatches(Kernels scalar, Tensor w, float[] x, float[] bias, String what) {
        int rows = (int) w.rows();
        Matmul matmul = new Matmul(8, 1);
        for (int tokens : new int[] {2, 4, 5, 8, 9}) {
            float[][] xs = new float[tokens][COLUMNS];
            Input[] in = new Input[tokens];
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < COLUMNS; i++) xs[t][i] = x[(i + 7 * t) % COLUMNS];
                in[t] = Input.of(Input.kindFor(w.type), xs[t], 0, COLUMNS);
            }
            float[][] expected = new float[tokens][rows];
            assertEquals(rows, scalar.load(w, 0, rows));
            scalar.dotRows(w, rows, in, Kernels.together(w.type, tokens, rows), expected, 0, bias);
            float[][] actual = new float[tokens][rows];
            matmul.apply(w, xs, actual, bias, new Input.Pool());
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < rows; r++) {
                    assertEquals(Float.floatToRawIntBits(expected[t][r]), Float.floatToRawIntBits(actual[t][r]), w.type + " " + what
                            + ", " + tokens + " tokens, token " + t + " row " + r + ": scalar " + expected[t][r] + ", grouped " + actual[t][r]);
                }
            }
        }
    }

    /** A block's d or dmin as a half: either sign, one in eight subnormal (the grouped kernels convert them in vectors). */
    private static short blockScale(Random random) {
        short sign = (short) (random.nextBoolean() ? 0x8000 : 0);
        if (random.nextInt(8) == 0) return (short) (sign | 1 + random.nextInt(0x3ff));
        return (short) (sign | Float16.fromFloat(0.001f + random.nextFloat() * 0.05f));
    }

    @Test
    void dot_q6_K_matchesDequantisedReference() {
        assertKernelMatchesReference(GgmlType.Q6_K, new int[] {208});
    }

    @Test
    void create_withVectorModule_givesVectorKernelsEqualToScalar() {
        boolean hasModule = ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent();
        Kernels vector = Kernels.create(8);
        assertEquals(hasModule ? "VectorKernels" : "Kernels", vector.getClass().getSimpleName());
        if (!hasModule) System.err.println("KernelsTest: no " + Kernels.VECTOR_MODULE + " in this JVM, vector kernels not tested");
        Kernels scalar = new Kernels(8);
        int[][] scaleOffsets = {{0}, {0}, {0}, {0, 2}, {0, 2}, {0}, {80, 82}, {108}, {0, 2}, {0, 2}, {208}, {0}};
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_1, GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K,
                GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_XS};
        for (int i = 0; i < types.length; i++) {
            GgmlType type = types[i];
            for (int seed = 0; seed < 20; seed++) {
                Random random = new Random(seed);
                Tensor w = randomTensor(type, scaleOffsets[i], random);
                float[] x = randomValues(random, seed % 5 == 0);
                assertSameSums(scalar, vector, type, w, Input.of(Input.kindFor(type), x, 0, COLUMNS), "seed " + seed);
                assertSameBatches(scalar, vector, w, x, "seed " + seed);
            }
        }
    }

    /**
     * Rows of 3 super-blocks: the Q4_K batch kernel sums super-blocks in pairs, the last one with
     * nothing, after the same kernels decoded Q8_0 rows into the scratch it reuses.
     */
    @Test
    void batches_ofAnOddNumberOfSuperBlocks_equalScalar() {
        Kernels vector = Kernels.create(8);
        Kernels scalar = new Kernels(8);
        int columns = 768;
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            for (int seed = 0; seed < 5; seed++) {
                Random random = new Random(seed);
                int[] scales = type == GgmlType.Q4_K ? new int[] {0, 2} : type == GgmlType.Q6_K ? new int[] {208} : new int[] {0};
                Tensor w = randomTensor(type, scales, random, columns);
                float[] x = new float[columns];
                for (int i = 0; i < columns; i++) x[i] = (float) random.nextGaussian();
                assertSameBatches(scalar, vector, w, x, "seed " + seed);
            }
        }
    }

    /**
     * Every weight and every activation at its largest magnitude, so each lane holds the largest
     * sum it can: the vector kernels add four products in a short where they fit (all but Q8_0).
     */
    @Test
    void vectorKernels_atTheLargestSums_equalScalar() {
        Kernels vector = Kernels.create(8);
        Kernels scalar = new Kernels(8);
        int[][] scaleOffsets = {{0}, {0}, {0}, {0, 2}, {0, 2}, {0}, {80, 82}, {108}, {0, 2}, {0, 2}, {208}, {0}};
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_1, GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K,
                GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_XS};
        for (int i = 0; i < types.length; i++) {
            for (int fill : new int[] {0x00, 0xff, 0x80, 0x7f}) {
                for (float value : new float[] {1f, -1f}) {
                    byte[] bytes = new byte[(int) types[i].bytes(COLUMNS) * ROWS];
                    java.util.Arrays.fill(bytes, (byte) fill);
                    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    for (int p = 0; p < bytes.length; p += types[i].blockBytes) {
                        for (int off : scaleOffsets[i]) buffer.putShort(p + off, Float16.fromFloat(0.01f));
                    }
                    Tensor w = new Tensor("w", types[i], new long[] {COLUMNS, ROWS}, new ByteBuffer[] {buffer}, ROWS);
                    float[] x = new float[COLUMNS];
                    java.util.Arrays.fill(x, value);
                    Input in = Input.of(Input.kindFor(types[i]), x, 0, COLUMNS);
                    String what = "bytes 0x" + Integer.toHexString(fill) + ", x " + value;
                    assertSameSums(scalar, vector, types[i], w, in, what);
                    assertSameBatches(scalar, vector, w, x, what);
                }
            }
        }
    }

    /**
     * Attention's F16 primitives, vector against scalar: halves of every kind (normal, subnormal,
     * zero, infinite, NaN, huge), and sums that round into the subnormals and past 65504.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 16})
    void splitHalves_vectorEqualsScalar(int lanes) {
        Kernels vector = Kernels.create(lanes);
        Kernels scalar = new Kernels(lanes);
        assertEquals(vector instanceof VectorKernels, vector.splitsHalves(64, 64), "vector kernels split 64-wide heads");
        Random random = new Random(3);
        int n = 128;
        for (int round = 0; round < 200; round++) {
            short[] cache = new short[n + 32];
            for (int i = 0; i < cache.length; i++) {
                int kind = round % 10 == 0 ? random.nextInt(20) : 3 + random.nextInt(17);   // infinities and NaNs in a tenth of the rounds
                cache[i] = kind == 0 ? (short) (random.nextInt(0x400) | (random.nextBoolean() ? 0x8000 : 0))       // subnormal
                        : kind == 1 ? (short) (0x7c00 | random.nextInt(4) * 0x100)                                     // inf, NaN
                        : kind == 2 ? (short) 0x7bff                                                                  // 65504
                        : Float16.fromFloat((float) random.nextGaussian() * (round % 3 == 0 ? 1e-5f : 2f));
            }
            float[] q = new float[n];
            for (int i = 0; i < n; i++) q[i] = Float16.round((float) random.nextGaussian());
            int base = random.nextInt(32);
            float expected = scalar.dotHalves(cache, base, q, n);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(vector.dotHalves(cache, base, q, n)), "dot, round " + round);
            float[] accScalar = new float[n];
            for (int i = 0; i < n; i++) accScalar[i] = Float16.round((float) random.nextGaussian() * (round % 4 == 0 ? 40000f : 1f));
            float[] accVector = accScalar.clone();
            float s = round % 5 == 0 ? 1e-4f : (float) random.nextGaussian();
            scalar.madHalves(cache, base, s, accScalar, n);
            vector.madHalves(cache, base, s, accVector, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(accScalar[i]), Float.floatToIntBits(accVector[i]), "mad, round " + round + " element " + i);
            }
        }
    }

    /** The tiled attention's float primitives: one sequential FMA sum per key, and acc += v x w, vector equal to scalar. */
    @Test
    void tiledAttentionPrimitives_vectorEqualsScalar() {
        Kernels vector = Kernels.create(8);
        Kernels scalar = new Kernels(8);
        Random random = new Random(11);
        int headDim = 64;
        int cells = 3 * Attention.TILE;
        float[] keys = new float[2 * headDim * cells];
        for (int i = 0; i < keys.length; i++) keys[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 1e30f : 1f);
        float[] q = new float[2 * headDim];
        for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian() * (i % 13 == 0 ? 1e8f : 1f);
        for (int t0 = 0; t0 < cells; t0 += Attention.TILE) {
            float[] expected = new float[Attention.TILE];
            float[] actual = new float[Attention.TILE];
            scalar.dotKeys(keys, headDim * cells, cells, t0, q, headDim, headDim, expected);
            vector.dotKeys(keys, headDim * cells, cells, t0, q, headDim, headDim, actual);
            int j = java.util.Arrays.mismatch(expected, actual);
            assertEquals(-1, j, "tile at " + t0 + ", key " + j + ": scalar " + (j < 0 ? 0 : expected[j]) + ", vector " + (j < 0 ? 0 : actual[j]));
        }
        for (int n : new int[] {64, 24, 12}) {
            float[] accScalar = new float[n];
            float[] accVector = new float[n];
            for (int row = 0; row < 50; row++) {
                float w = (float) random.nextGaussian();
                scalar.madFloats(keys, row * 7, w, accScalar, n);
                vector.madFloats(keys, row * 7, w, accVector, n);
            }
            assertTrue(java.util.Arrays.equals(accScalar, accVector), "madFloats over " + n);
        }
    }

    private static void assertSameSums(Kernels scalar, Kernels vector, GgmlType type, Tensor w, Input in, String what) {
        for (int r = 0; r < ROWS; r++) {
            scalar.load(w, r);
            vector.load(w, r);
            for (boolean grouped : new boolean[] {false, true}) {
                float expected = scalar.dot(type, in, grouped);
                float actual = vector.dot(type, in, grouped);
                assertTrue(Float.compare(expected, actual) == 0, type + (grouped ? " grouped" : "") + " " + what
                        + " row " + r + ": scalar " + expected + ", vector " + actual);
            }
        }
    }

    /**
     * Kernels.dotRows over every row for batches of 1 to 5, 8 and 9 tokens (x rotated by 7 per
     * token; each whole four grouped), each output equal to the scalar kernels' bit for bit. The
     * vector kernels load 16 Q4_K rows at once and take them with each four tokens together: of
     * the 20 rows, the last 4 and the tokens past a four go the other way.
     */
    private static void assertSameBatches(Kernels scalar, Kernels vector, Tensor w, float[] x, String what) {
        int columns = w.columns();
        for (int tokens : new int[] {1, 2, 3, 4, 5, 8, 9}) {
            Input[] in = new Input[tokens];
            for (int t = 0; t < tokens; t++) {
                float[] xt = new float[columns];
                for (int i = 0; i < columns; i++) xt[i] = x[(i + 7 * t) % columns];
                in[t] = Input.of(Input.kindFor(w.type), xt, 0, columns, tokens > 1 ? w.type : null);
            }
            float[][] expected = new float[tokens][ROWS];
            float[][] actual = new float[tokens][ROWS];
            float[] bias = new float[ROWS];
            for (int r = 0; r < ROWS; r++) bias[r] = r % 3 - 1;
            int grouped = tokens - tokens % 4;
            dotAllRows(scalar, w, in, grouped, expected, tokens % 2 == 0 ? bias : null);
            dotAllRows(vector, w, in, grouped, actual, tokens % 2 == 0 ? bias : null);
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < ROWS; r++) {
                    assertTrue(Float.compare(expected[t][r], actual[t][r]) == 0, w.type + " " + what + ", " + tokens + " tokens,"
                            + " token " + t + " row " + r + ": scalar " + expected[t][r] + ", vector " + actual[t][r]);
                }
            }
        }
    }

    /** Every row of w through k.dotRows, a load at a time, as Matmul runs them. */
    private static void dotAllRows(Kernels k, Tensor w, Input[] in, int grouped, float[][] out, float[] bias) {
        for (int r0 = 0; r0 < ROWS; ) {
            int count = k.load(w, r0, ROWS - r0);
            k.dotRows(w, count, in, grouped, out, r0, bias);
            r0 += count;
        }
    }

    /** scaleOffsets: where each block keeps its F16 scales, which must not be NaN or huge. */
    private static void assertKernelMatchesReference(GgmlType type, int[] scaleOffsets) {
        Random random = new Random(type.ordinal());
        Tensor w = randomTensor(type, scaleOffsets, random);
        Input in = randomInput(type, random, false);
        int perScale = COLUMNS / in.scales.length;
        Kernels kernels = new Kernels(8);
        float[] row = new float[COLUMNS];
        for (int r = 0; r < ROWS; r++) {
            Dequant.row(w, r, row);
            double expected = 0;
            double magnitude = 0;
            for (int i = 0; i < COLUMNS; i++) {
                double term = (double) row[i] * in.quants[i] * in.scales[i / perScale];
                expected += term;
                magnitude += Math.abs(term);
            }
            kernels.load(w, r);
            for (boolean grouped : new boolean[] {false, true}) {
                assertEquals(expected, kernels.dot(type, in, grouped), 1e-5 * magnitude + 1e-6, type + " row " + r);
            }
        }
    }

    private static Tensor randomTensor(GgmlType type, int[] scaleOffsets, Random random) {
        return randomTensor(type, scaleOffsets, random, COLUMNS);
    }

    private static Tensor randomTensor(GgmlType type, int[] scaleOffsets, Random random, int columns) {
        int rowBytes = (int) type.bytes(columns);
        int blocks = rowBytes / type.blockBytes;
        byte[] bytes = new byte[rowBytes * ROWS];
        random.nextBytes(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < blocks * ROWS; blk++) {
            for (int off : scaleOffsets) {
                buffer.putShort(blk * type.blockBytes + off, Float16.fromFloat(0.001f + random.nextFloat() * 0.05f));
            }
        }
        return new Tensor("w", type, new long[] {columns, ROWS}, new ByteBuffer[] {buffer}, ROWS);
    }

    /** Gaussian values, or with {@code extreme} a few huge ones so most quants are 0 and some ±127. */
    private static Input randomInput(GgmlType type, Random random, boolean extreme) {
        return Input.of(Input.kindFor(type), randomValues(random, extreme), 0, COLUMNS);
    }

    private static float[] randomValues(Random random, boolean extreme) {
        float[] x = new float[COLUMNS];
        for (int i = 0; i < COLUMNS; i++) x[i] = (float) random.nextGaussian() * (extreme && i % 37 == 0 ? 1e4f : 1f);
        return x;
    }
}
