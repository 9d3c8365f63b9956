// Float16.round's shortcut for halves' normal range against the full conversion there and back,
// on random bit patterns and on the edges of that range.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Float16Test {
    @Test
    void round_equalsConversionThereAndBack() {
        Random random = new Random(16);
        for (int i = 0; i < 2_000_000; i++) assertRounds(Float.intBitsToFloat(random.nextInt()));
        float[] edges = {0x1p-14f, Math.nextDown(0x1p-14f), 0x1p15f, Math.nextDown(0x1p15f), 65504f, 65519.99f, 65520f,
            1.00048828125f, 1.000732421875f, -2.5f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY};
        for (float f : edges) {
            assertRounds(f);
            assertRounds(-f);
        }
    }

    private static void assertRounds(float f) {
        float expected = Float16.toFloat(Float16.fromFloat(f));
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(Float16.round(f)), "round(" + f + ")");
    }
}
