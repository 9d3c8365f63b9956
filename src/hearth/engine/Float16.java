// IEEE half precision and bfloat16 conversions, bit-exact with the x86 F16C instructions ggml uses
// (round to nearest even). JDK 17 has no Float.float16ToFloat (that came in 20), hence this file.
package hearth.engine;

final class Float16 {
    private static final float[] MAGNITUDE = new float[32768];   // every half without its sign, decoded once (128 KiB)

    static {
        for (int h = 0; h < 32768; h++) MAGNITUDE[h] = decode(h);
    }

    private Float16() {
    }

    /**
     * The half's magnitude from the table, its sign (bit 31 of the short widened) put back: 21
     * bytes of bytecode, under the 35 that C2 always inlines (a computed value was over it, and the
     * prompt kernels then boxed vectors and ran at less than half speed).
     */
    static float toFloat(short h) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(MAGNITUDE[h & 0x7fff]) | h & 0x80000000);
    }

    static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /** Rounds to the nearest half, ties to even; overflow gives infinity, NaN stays NaN. */
    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        int e = exp - 127 + 15;
        if (e >= 0x1f) return (short) (sign | 0x7c00);
        if (e <= 0) {
            if (e < -10) return (short) sign;                // below half the smallest subnormal
            int m = mant | 0x800000;                         // explicit leading one
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) half++;
            return (short) (sign | half);
        }
        int h = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) h++;   // may carry into the exponent: correct
        return (short) (sign | h);
    }

    /**
     * The float nearest to {@code f} that a half can hold, as toFloat(fromFloat(f)). Attention
     * rounds every value it adds (ggml's F16 accumulator), so this one has no branch: in halves'
     * normal range it rounds the float's mantissa to 10 bits, ties to even, in place; below it, to
     * a multiple of 2^-24 by adding and taking away 0.5f (whose ulp that is); from 65520 on it
     * gives infinity, and NaN stays NaN. The ternaries compile to conditional moves.
     */
    static float round(float f) {
        int bits = Float.floatToRawIntBits(f);
        int abs = bits & 0x7fffffff;
        int sign = bits & 0x80000000;
        int normal = (bits + 0xfff + ((bits >>> 13) & 1)) & 0xffffe000;
        int subnormal = Float.floatToRawIntBits((Float.intBitsToFloat(abs) + 0.5f) - 0.5f) | sign;
        int r = abs < 0x38800000 ? subnormal : normal;                     // 2^-14, the least normal half
        if (abs >= 0x477ff000) r = abs > 0x7f800000 ? bits : sign | 0x7f800000;   // 65520 rounds up to infinity
        return Float.intBitsToFloat(r);
    }

    private static float decode(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;                        // subnormal: exact in float
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
