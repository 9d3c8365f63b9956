// Dequantises one row of a tensor to floats, exactly as ggml's dequantize_row_* (ggml-quants.c)
// does; used for the token embedding lookup (ggml_get_rows), one row per token, never a whole tensor.
package hearth.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

final class Dequant {
    private Dequant() {
    }

    static void row(Tensor t, long row, float[] out) {
        ByteBuffer b = ByteBuffer.wrap(Kernels.read(t, row, new byte[t.rowBytes])).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        int n = t.columns();
        switch (t.type) {
            case F32: for (int i = 0; i < n; i++) out[i] = b.getFloat(p + 4 * i); break;
            case F16: for (int i = 0; i < n; i++) out[i] = Float16.toFloat(b.getShort(p + 2 * i)); break;
            case BF16: for (int i = 0; i < n; i++) out[i] = Float16.bf16ToFloat(b.getShort(p + 2 * i)); break;
            case Q8_0:
                for (int blk = 0; blk < n / 32; blk++) {
                    int q = p + blk * 34;
                    float d = Float16.toFloat(b.getShort(q));
                    for (int j = 0; j < 32; j++) out[blk * 32 + j] = b.get(q + 2 + j) * d;
                }
                break;
            case Q4_0: case Q5_0: case IQ4_NL: case Q4_1: case Q5_1: rowQ4(t.type, b, p, n, out); break;
            case Q2_K: rowQ2_K(b, p, n, out); break;
            case Q3_K: rowQ3_K(b, p, n, out); break;
            case Q4_K: rowQ4_K(b, p, n, out, false); break;
            case Q5_K: rowQ4_K(b, p, n, out, true); break;
            case Q6_K: rowQ6_K(b, p, n, out); break;
            case IQ4_XS: rowIq4Xs(b, p, n, out); break;
            default: throw new EngineException("cannot read rows of " + t.name + ": type " + t.type + " is not supported");
        }
    }

    /** ggml's dequantize_row_q4_0, q5_0, iq4_nl, q4_1 and q5_1: the last two add their block's m to d x quant. */
    private static void rowQ4(GgmlType type, ByteBuffer b, int p, int n, float[] out) {
        boolean q5 = Kernels.hasFifthBits(type);
        boolean min = Kernels.hasMin(type);
        int bias = min ? 0 : q5 ? 16 : 8;   // as Kernels.dotQ4
        for (int blk = 0; blk < n / 32; blk++) {
            int q = p + blk * type.blockBytes;
            float d = Float16.toFloat(b.getShort(q));
            float m = min ? Float16.toFloat(b.getShort(q + 2)) : 0;
            int qh = q5 ? b.getInt(q + Kernels.fifthBitsAt(type)) : 0;
            int qs = q + Kernels.quantsAt(type);
            for (int j = 0; j < 16; j++) {
                int v = b.get(qs + j) & 0xff;
                int lo = v & 0xf;
                int hi = v >>> 4;
                int x0;
                int x1;
                if (type == GgmlType.IQ4_NL) {
                    x0 = Kernels.IQ4_NL_VALUES[lo];
                    x1 = Kernels.IQ4_NL_VALUES[hi];
                } else if (q5) {
                    x0 = (lo | (((qh >>> j) << 4) & 0x10)) - bias;
                    x1 = (hi | ((qh >>> (j + 12)) & 0x10)) - bias;
                } else {
                    x0 = lo - bias;
                    x1 = hi - bias;
                }
                if (min) {
                    out[blk * 32 + j] = x0 * d + m;
                    out[blk * 32 + j + 16] = x1 * d + m;
                } else {
                    out[blk * 32 + j] = x0 * d;
                    out[blk * 32 + j + 16] = x1 * d;
                }
            }
        }
    }

    /** ggml's dequantize_row_iq4_xs: each 32 elements d x (their six-bit scale - 32), times each one's IQ4_NL value. */
    private static void rowIq4Xs(ByteBuffer b, int p, int n, float[] out) {
        for (int blk = 0; blk < n / 256; blk++) {
            int q = p + blk * 136;
            float d = Float16.toFloat(b.getShort(q));
            for (int sub = 0; sub < 8; sub++) {
                float dl = d * Kernels.scaleIq4Xs(b.array(), q, sub);
                int o = blk * 256 + sub * 32;
                for (int j = 0; j < 16; j++) {
                    int v = b.get(q + 8 + 16 * sub + j);
                    out[o + j] = dl * Kernels.IQ4_NL_VALUES[v & 0xf];
                    out[o + j + 16] = dl * Kernels.IQ4_NL_VALUES[v >> 4 & 0xf];
                }
            }
        }
    }

    /** ggml's dequantize_row_q2_K: element 128h + 32j + e is bits 2j, 2j + 1 of qs byte 32h + e (see Kernels.dotQ2_K). */
    private static void rowQ2_K(ByteBuffer b, int p, int n, float[] out) {
        for (int blk = 0; blk < n / 256; blk++) {
            int q = p + blk * 84;
            float d = Float16.toFloat(b.getShort(q + 80));
            float min = Float16.toFloat(b.getShort(q + 82));
            for (int e = 0; e < 256; e++) {
                int scale = b.get(q + e / 16) & 0xff;
                int v = b.get(q + 16 + 32 * (e / 128) + e % 32) >> 2 * (e % 128 / 32) & 3;
                out[blk * 256 + e] = d * (scale & 0xf) * v - min * (scale >>> 4);
            }
        }
    }

    /** ggml's dequantize_row_q3_K: each sixteen elements d times their scale times the quant, its three bits less 4. */
    private static void rowQ3_K(ByteBuffer b, int p, int n, float[] out) {
        int[] scales = new int[16];
        for (int blk = 0; blk < n / 256; blk++) {
            int q = p + blk * 110;
            float d = Float16.toFloat(b.getShort(q + 108));
            Kernels.scalesQ3_K(b.array(), q + 96, scales);
            for (int e = 0; e < 256; e++) {
                int j = e / 128;
                int k = e % 128 / 32;
                int i = e % 32;
                int v = (b.get(q + 32 + 32 * j + i) >> 2 * k & 3) - ((b.get(q + i) >> 4 * j + k & 1) == 0 ? 4 : 0);
                out[blk * 256 + e] = d * scales[e / 16] * v;
            }
        }
    }

    /**
     * ggml's dequantize_row_q4_K, and with {@code fifth} its dequantize_row_q5_K: the same scales
     * and mins, and each quant's fifth bit from qh (see Kernels.dotQ5_K).
     */
    private static void rowQ4_K(ByteBuffer b, int p, int n, float[] out, boolean fifth) {
        int[] sc = new int[8];
        int[] mn = new int[8];
        int size = fifth ? 176 : 144;
        for (int blk = 0; blk < n / 256; blk++) {
            int q = p + blk * size;
            float d = Float16.toFloat(b.getShort(q));
            float min = Float16.toFloat(b.getShort(q + 2));
            Kernels.scalesK4(b.array(), q + 4, sc, mn);
            for (int j = 0; j < 4; j++) {
                float d1 = d * sc[2 * j];
                float m1 = min * mn[2 * j];
                float d2 = d * sc[2 * j + 1];
                float m2 = min * mn[2 * j + 1];
                for (int l = 0; l < 32; l++) {
                    int v = b.get(q + size - 128 + 32 * j + l) & 0xff;
                    int h = fifth ? b.get(q + 16 + l) >>> 2 * j : 0;
                    out[blk * 256 + 64 * j + l] = d1 * ((v & 0xf) + ((h & 1) << 4)) - m1;
                    out[blk * 256 + 64 * j + 32 + l] = d2 * ((v >>> 4) + ((h & 2) << 3)) - m2;
                }
            }
        }
    }

    private static void rowQ6_K(ByteBuffer b, int p, int n, float[] out) {
        for (int blk = 0; blk < n / 256; blk++) {
            int q = p + blk * 210;
            float d = Float16.toFloat(b.getShort(q + 208));
            for (int half = 0; half < 2; half++) {
                int ql = q + 64 * half;
                int qh = q + 128 + 32 * half;
                int sc = q + 192 + 8 * half;
                int y = blk * 256 + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int a = b.get(ql + l) & 0xff;
                    int c = b.get(ql + l + 32) & 0xff;
                    int h = b.get(qh + l) & 0xff;
                    out[y + l] = d * b.get(sc + is) * (((a & 0xf) | ((h & 3) << 4)) - 32);
                    out[y + l + 32] = d * b.get(sc + is + 2) * (((c & 0xf) | (((h >>> 2) & 3) << 4)) - 32);
                    out[y + l + 64] = d * b.get(sc + is + 4) * (((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
                    out[y + l + 96] = d * b.get(sc + is + 6) * (((c >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
                }
            }
        }
    }
}
