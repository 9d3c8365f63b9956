// sinf, cosf and expf exactly as glibc (2.28 and later) computes them on x86-64 with FMA, which is
// what llama.cpp's CPU backend calls for RoPE angles and for softmax in attention. Java's
// (float) Math.sin/cos/exp round the true value; glibc's are off by one ulp in about 2 % of RoPE
// angles and 0.06 % of exponentials, and one such ulp is enough to change a greedy answer.
// Algorithm and constants: Arm's optimized-routines (Szabolcs Nagy), which glibc and musl ship:
// the argument is reduced to [-pi/4, pi/4] (or to a 1/32 step of 2^x), then a short polynomial
// is evaluated in double and rounded to float once.
package hearth.engine;

final class Libm {
    // sine and cosine
    private static final double QUARTER_PI = 0x1.921fb54442d18p-1;
    private static final double HALF_PI = 0x1.921fb54442d18p0;
    private static final double HALF_PI_INV_2_24 = 0x1.45f306dc9c883p+23;  // 2/pi, scaled so the quadrant lands in bits 24..31
    private static final double PI_2_63 = 0x1.921fb54442d18p-62;          // 2pi / 2^64, for the large-argument reduction
    private static final double S1 = -0x1.555545995a603p-3, S2 = 0x1.1107605230bc4p-7, S3 = -0x1.994eb3774cf24p-13;
    private static final double C1 = -0x1.ffffffd0c621cp-2, C2 = 0x1.55553e1068f19p-5, C3 = -0x1.6c087e89a359dp-10,
            C4 = 0x1.99343027bf8c3p-16;
    // 4/pi to 192 bits; entry i holds bits 8i.. of it, so any 32-bit window starts at a whole entry
    private static final int[] FOUR_OVER_PI = {
        0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
        0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
        0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041};

    // exponential: 2^(i/32) as double bits, less i << 47, so adding k << 47 gives 2^(k/32)
    private static final long[] EXP2_32 = {
        0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
        0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
        0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
        0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
        0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
        0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
        0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
        0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final double ROUND_SHIFT = 0x1.8p+52;                   // adding it rounds to an integer
    private static final double LOG2E_32 = 0x1.71547652b82fep+0 * 32;
    private static final double E0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32, E1 = 0x1.ebfce50fac4f3p-3 / 32 / 32,
            E2 = 0x1.62e42ff0c52d6p-1 / 32;

    private Libm() {
    }

    static float sinf(float y) {
        return sinCos(y, 0);
    }

    static float cosf(float y) {
        return sinCos(y, 1);
    }

    static float expf(float x) {
        int top = top12(x) & 0x7ff;
        if (top >= top12(88.0f)) {                                           // |x| >= 88, infinite or NaN
            if (x == Float.NEGATIVE_INFINITY) return 0.0f;
            if (top >= top12(Float.POSITIVE_INFINITY)) return x + x;
            if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;
            if (x < -0x1.9fe368p6f) return 0.0f;
        }
        double z = LOG2E_32 * x;                                             // x = (k + r) ln2 / 32
        double shifted = z + ROUND_SHIFT;
        long k = Double.doubleToRawLongBits(shifted);                        // k in the low bits
        double r = z - (shifted - ROUND_SHIFT);
        double scale = Double.longBitsToDouble(EXP2_32[(int) (k & 31)] + (k << 47));
        double p = Math.fma(Math.fma(E0, r, E1), r * r, Math.fma(E2, r, 1));
        return (float) (p * scale);
    }

    /** cosine: 1, sine: 0. The cosine of y is the sine's polynomial pair shifted a quadrant. */
    private static float sinCos(float y, int cosine) {
        double x = y;
        int top = top12(y) & 0x7ff;
        if (top < top12((float) QUARTER_PI)) {
            if (top < top12(0x1p-12f)) return cosine == 1 ? 1.0f : y;
            return poly(x, x * x, cosine, false);
        }
        int quadrant;
        int signQuadrant;                                                    // picks the signs: the quadrant of y itself
        if (top < top12(120.0f)) {
            quadrant = ((int) (x * HALF_PI_INV_2_24) + 0x800000) >> 24;
            x = Math.fma(-quadrant, HALF_PI, x);
            signQuadrant = quadrant;
        } else if (top < top12(Float.POSITIVE_INFINITY)) {
            // |y| times 4/pi as a 2.62 fixed-point number, from the 96 bits of 4/pi that matter here
            int bits = Float.floatToRawIntBits(y);
            long m = (((bits & 0xffffff) | 0x800000) << ((bits >>> 23) & 7)) & 0xffffffffL;
            int w = (bits >>> 26) & 15;
            long high = (m * (FOUR_OVER_PI[w] & 0xffffffffL)) & 0xffffffffL;
            long mid = m * (FOUR_OVER_PI[w + 4] & 0xffffffffL);
            long low = m * (FOUR_OVER_PI[w + 8] & 0xffffffffL);
            long fixed = ((low >>> 32) | (high << 32)) + mid;
            long n = (fixed + (1L << 61)) >>> 62;
            x = (double) (fixed - (n << 62)) * PI_2_63;
            quadrant = (int) n;
            signQuadrant = quadrant + (bits >>> 31);
        } else {
            return Float.NaN;
        }
        double sign = ((signQuadrant + 1) & 2) != 0 ? -1.0 : 1.0;           // quadrants 1 and 2
        return poly(x * sign, x * x, quadrant ^ cosine, (signQuadrant & 2) != 0);
    }

    /** sin(x) for an even n, else cos(x), negated when negate; x2 = x * x. */
    private static float poly(double x, double x2, int n, boolean negate) {
        if ((n & 1) == 0) {
            double x3 = x * x2;
            return (float) Math.fma(x3 * x2, Math.fma(x2, S3, S2), Math.fma(x3, S1, x));
        }
        double g = negate ? -1.0 : 1.0;
        double x4 = x2 * x2;
        double c = Math.fma(x4, g * C2, Math.fma(x2, g * C1, g));
        return (float) Math.fma(x4 * x2, Math.fma(x2, g * C4, g * C3), c);
    }

    private static int top12(float x) {
        return Float.floatToRawIntBits(x) >>> 20;
    }
}
