// Libm against values glibc 2.36's sinf, cosf and expf returned on an x86-64 machine with FMA (a C
// program printed their bits). Each case is one where Java's own (float) Math.sin/cos/exp gives a
// different float, so a test that passed with those would not pass here.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibmTest {
    private static final int[][] SIN_COS = {      // argument, sinf, cosf (float bits)
        {0x3e71da0e, 0x3e6f9c0a, 0x3f78e499},      // 0.23618338: below pi/4, no reduction
        {0x409f5577, 0xbf76f169, 0x3e86fbd2},      // 4.9791827
        {0x40b511e0, 0xbf15bbd2, 0x3f4fa4bd},      // 5.658432
        {0x42c40000, 0xbf12c927, 0xbf51bce0},      // 98.0: a RoPE angle at position 98
        {0x433147fc, 0x3f79e597, 0x3e5e4386},      // 177.28119: from 120 on, the 4/pi table
        {0x43ab8000, 0xbf095e82, 0xbf5805c1},      // 343.0
        {0x434badee, 0x3f001cfd, 0xbf5da318},      // 203.67941
        {0x70f2dbcc, 0xbf0a1dd1, 0x3f578ba2},      // 6.0128872E29
        {0xf87ab9f8, 0xbf7c8cef, 0x3e2788ce},      // -2.0341345E34: a negative quadrant
    };
    private static final int[][] EXP = {          // argument, expf
        {0xc1e6f54f, 0x2aa31c79},                  // -28.86978
        {0xc15c20e3, 0x358e28a9},                  // -13.758029
        {0xc10c79a5, 0x39214bf2},                  // -8.779698
        {0xc12671eb, 0x37fe91bf},                  // -10.402812
        {0xc1ee7f66, 0x29fe3ed3},                  // -29.812206
    };

    @Test
    void sinfAndCosf_giveGlibcsBits_whereJavaRoundsDifferently() {
        for (int[] c : SIN_COS) {
            float x = Float.intBitsToFloat(c[0]);
            assertEquals(c[1], Float.floatToRawIntBits(Libm.sinf(x)), "sinf(" + x + ")");
            assertEquals(c[2], Float.floatToRawIntBits(Libm.cosf(x)), "cosf(" + x + ")");
            assertTrue(Float.floatToRawIntBits((float) Math.sin(x)) != c[1] || Float.floatToRawIntBits((float) Math.cos(x)) != c[2]);
        }
    }

    @Test
    void cosf_roundsAsGlibcsFmaBuild() {
        // the one argument in 6 million sampled where contracting a*b+c into an FMA changes the float
        assertEquals(0xb552257c, Float.floatToRawIntBits(Libm.cosf(Float.intBitsToFloat(0x42687a55))));
    }

    @Test
    void expf_givesGlibcsBits_whereJavaRoundsDifferently() {
        for (int[] c : EXP) {
            float x = Float.intBitsToFloat(c[0]);
            assertEquals(c[1], Float.floatToRawIntBits(Libm.expf(x)), "expf(" + x + ")");
            assertNotEquals(c[1], Float.floatToRawIntBits((float) Math.exp(x)));
        }
    }

    @Test
    void edges_followC() {
        assertEquals(1.0f, Libm.cosf(0.0f));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Libm.sinf(-0.0f)));
        assertEquals(1e-5f, Libm.sinf(1e-5f));                    // tiny: sin x = x
        assertTrue(Float.isNaN(Libm.sinf(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(Libm.cosf(Float.NaN)));
        assertEquals(0.0f, Libm.expf(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Libm.expf(89f));
        assertEquals(0.0f, Libm.expf(-104f));
        assertEquals(1.0f, Libm.expf(0f));
        assertTrue(Float.isNaN(Libm.expf(Float.NaN)));
        // between -103.97 and -87.3 the result is subnormal and still rounds once
        assertEquals((float) Math.exp(-100.0), Libm.expf(-100f), Math.ulp(Float.MIN_VALUE));
    }
}
