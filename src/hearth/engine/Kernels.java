// Scalar dot products of one weight row (copied from the mapped file into a byte[], then read
// block by block: plain array reads are what the JIT compiles best) with a prepared Input, and row dequantisation for embedding lookups. Block layouts follow
// ggml-common.h; the float summation order follows ggml's x86 kernels where it is cheap to do so
// (vec_dot_f16's four accumulators, vec_dot_q8_0_q8_0's eight lanes).
package hearth.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

final class Kernels {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final byte[] IQ4_NL_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** Lanes per ggml SIMD register on this machine: 16 with AVX-512, 8 with AVX2 (GGML_F16_EPR). */
    final int lanes;

    Kernels(int lanes) {
        this.lanes = lanes;
    }

    /** A row's bytes, as {@link #dot} takes them; {@code bytes} must hold w.rowBytes. */
    static byte[] read(Tensor w, long row, byte[] bytes) {
        w.buffer(row).get(w.offset(row), bytes, 0, w.rowBytes);
        return bytes;
    }

    /** The dot product of row bytes {@code b} (see {@link #read}) of a {@code type} tensor with x. */
    float dot(GgmlType type, byte[] b, Input x) {
        int off = 0;
        int n = x.length;
        switch (type) {
            case F32: return dotF32(b, off, x.values, n);
            case F16: return dotF16(b, off, x.values, n);
            case BF16: return dotBf16(b, off, x.values, n);
            case Q8_0: return dotQ8_0(b, off, x, n);
            case Q4_0: case Q5_0: case IQ4_NL: return dotQ4(type, b, off, x, n);
            case Q4_K: return dotQ4_K(b, off, x, n);
            case Q6_K: return dotQ6_K(b, off, x, n);
            default: throw new EngineException("no kernel for " + type);
        }
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
        float[] acc = new float[step];
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

    /** Q4_0, Q5_0 and IQ4_NL against Q8_0, in the lane order of the Q8_0 kernel (ggml AVX2). */
    float dotQ4(GgmlType type, byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        float[] acc = new float[8];
        int[] w = new int[32];
        int size = type.blockBytes;
        for (int blk = 0; blk < n / 32; blk++) {
            int p = off + blk * size;
            unpack4(type, b, p, w);
            float d = Float16.toFloat(getShort(b, p)) * x.scales[blk];
            for (int l = 0; l < 8; l++) {
                int s = 0;
                for (int k = 0; k < 4; k++) s += w[4 * l + k] * q[blk * 32 + 4 * l + k];
                acc[l] = Math.fma(d, (float) s, acc[l]);
            }
        }
        return hsum8(acc);
    }

    /** The 32 signed values of a Q4_0, Q5_0 or IQ4_NL block, in element order. */
    static void unpack4(GgmlType type, byte[] b, int p, int[] w) {
        int qs = p + (type == GgmlType.Q5_0 ? 6 : 2);
        int qh = type == GgmlType.Q5_0 ? getInt(b, p + 2) : 0;
        for (int j = 0; j < 16; j++) {
            int v = b[qs + j] & 0xff;
            int lo = v & 0xf;
            int hi = v >>> 4;
            if (type == GgmlType.IQ4_NL) {
                w[j] = IQ4_NL_VALUES[lo];
                w[j + 16] = IQ4_NL_VALUES[hi];
            } else if (type == GgmlType.Q5_0) {
                w[j] = (lo | (((qh >>> j) << 4) & 0x10)) - 16;
                w[j + 16] = (hi | ((qh >>> (j + 12)) & 0x10)) - 16;
            } else {
                w[j] = lo - 8;
                w[j + 16] = hi - 8;
            }
        }
    }

    /**
     * Q4_K against Q8_K as ggml's AVX2 kernel sums it: eight int lanes per block (lane l holds
     * bytes 4l..4l+3 of each 32-byte chunk), one FMA per lane, and the mins in four lanes apart.
     */
    float dotQ4_K(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        int[] sc = new int[8];
        int[] mn = new int[8];
        float[] acc = new float[8];
        float[] accM = new float[4];
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 144;
            scalesK4(b, p + 4, sc, mn);
            float yd = x.scales[blk];
            float d = yd * Float16.toFloat(getShort(b, p));
            float dmin = -yd * Float16.toFloat(getShort(b, p + 2));
            for (int m = 0; m < 4; m++) {
                int[] s = x.sums;
                int g = blk * 16 + 4 * m;
                int prod = mn[2 * m] * (s[g] + s[g + 1]) + mn[2 * m + 1] * (s[g + 2] + s[g + 3]);
                accM[m] = Math.fma(dmin, (float) prod, accM[m]);
            }
            int qb = blk * 256;
            for (int l = 0; l < 8; l++) {
                int sumi = 0;
                for (int j = 0; j < 4; j++) {
                    int lo = 0;
                    int hi = 0;
                    for (int k = 0; k < 4; k++) {
                        int v = b[p + 16 + 32 * j + 4 * l + k] & 0xff;
                        lo += (v & 0xf) * q[qb + 64 * j + 4 * l + k];
                        hi += (v >>> 4) * q[qb + 64 * j + 32 + 4 * l + k];
                    }
                    sumi += sc[2 * j] * lo + sc[2 * j + 1] * hi;
                }
                acc[l] = Math.fma(d, (float) sumi, acc[l]);
            }
        }
        return hsum8(acc) + ((accM[0] + accM[2]) + (accM[1] + accM[3]));
    }

    /** Q6_K against Q8_K in ggml's AVX2 lane order; the −32 offset is taken off per lane via bsums. */
    float dotQ6_K(byte[] b, int off, Input x, int n) {
        byte[] q = x.quants;
        float[] acc = new float[8];
        for (int blk = 0; blk < n / 256; blk++) {
            int p = off + blk * 210;
            float d = x.scales[blk] * Float16.toFloat(getShort(b, p + 208));
            for (int l = 0; l < 8; l++) {
                int sumi = 0;
                for (int j = 0; j < 2; j++) {
                    int ql = p + 64 * j;
                    int qh = p + 128 + 32 * j;
                    int y = blk * 256 + 128 * j;
                    for (int c = 0; c < 4; c++) {
                        int scale = b[p + 192 + 2 * (4 * j + c) + (l >= 4 ? 1 : 0)];
                        int s = 0;
                        for (int k = 0; k < 4; k++) {
                            int e = 4 * l + k;                      // byte within the 32-byte chunk
                            int lowByte = b[ql + (c & 1) * 32 + e] & 0xff;
                            int h = b[qh + e] & 0xff;
                            int v = (c < 2 ? lowByte & 0xf : lowByte >>> 4) | (((h >>> (2 * c)) & 3) << 4);
                            s += v * q[y + 32 * c + e];
                        }
                        sumi += scale * s;
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

    /** ggml get_scale_min_k4 for all eight sub-blocks of a Q4_K block; {@code p} points at scales[12]. */
    static void scalesK4(byte[] b, int p, int[] sc, int[] mn) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                sc[j] = b[p + j] & 63;
                mn[j] = b[p + j + 4] & 63;
            } else {
                int qj4 = b[p + j + 4] & 0xff;
                sc[j] = (qj4 & 0xf) | (((b[p + j - 4] & 0xff) >>> 6) << 4);
                mn[j] = (qj4 >>> 4) | (((b[p + j] & 0xff) >>> 6) << 4);
            }
        }
    }
}
