// Sampler.best (the top-k ranking sampling starts from) against a stable sort of boxed ids by
// logit, on random logits full of ties, zeros of both signs and infinities.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void best_equalsStableSortByLogit() {
        Random random = new Random(3);
        for (int round = 0; round < 20; round++) {
            float[] logits = new float[5000];
            for (int i = 0; i < logits.length; i++) {
                int kind = random.nextInt(10);
                logits[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? Float.NEGATIVE_INFINITY
                        : (random.nextInt(50) - 25) * 0.5f;                     // few distinct values: many ties
            }
            Integer[] boxed = new Integer[logits.length];
            for (int i = 0; i < boxed.length; i++) boxed[i] = i;
            Arrays.sort(boxed, (a, b) -> Float.compare(logits[b], logits[a]));
            int[] expected = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
            for (int keep : new int[] {1, 40, 999, logits.length}) {
                assertArrayEquals(Arrays.copyOf(expected, keep), Sampler.best(logits, keep), "round " + round + ", top " + keep);
            }
        }
    }

    @Test
    void repeatPenalty_dividesPositiveLogitsAndMultipliesNegativeOnes_ofRecentTokensOnly_evenWhenGreedy() {
        float[] logits = {2.0f, 1.9f, -1.0f, 1.0f};
        var greedy = new Engine.Sampling(0, 1, 0, 0, 1.5, 1);
        assertEquals(0, new Sampler(Engine.Sampling.greedy()).next(logits.clone(), new int[] {0}, 1));
        float[] penalised = logits.clone();
        assertEquals(1, new Sampler(greedy).next(penalised, new int[] {0, 2, 2}, 3), "2.0 / 1.5 falls below 1.9");
        assertArrayEquals(new float[] {2.0f / 1.5f, 1.9f, -1.5f, 1.0f}, penalised, "once per token, however often it recurs");
        assertEquals(0, new Sampler(greedy).next(logits.clone(), new int[] {1, 0}, 1), "only recent's first recentCount tokens count");
    }

    @Test
    void minP_andTopPZero_leaveTheLikeliestTokensOnly() {
        float[] logits = {0f, 5f, 4.9f, 1f};
        for (int seed = 0; seed < 50; seed++) {
            int minP = new Sampler(new Engine.Sampling(1, 1, 0, 0.5, 1, seed)).next(logits.clone(), new int[0], 0);
            assertTrue(minP == 1 || minP == 2, "min_p 0.5 keeps tokens at least half as likely as the likeliest: drew " + minP);
            assertEquals(1, new Sampler(new Engine.Sampling(1, 0, 0, 0, 1, seed)).next(logits.clone(), new int[0], 0), "top_p 0");
            assertEquals(1, new Sampler(new Engine.Sampling(1, 1, 0, 1, 1, seed)).next(logits.clone(), new int[0], 0), "min_p 1");
        }
    }

    @Test
    void next_atTemperatureAboveZero_drawsOnlyFromTheTopK() {
        float[] logits = new float[151_936];
        Random random = new Random(9);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) random.nextGaussian();
        int[] top = Sampler.best(logits, 3);
        Sampler sampler = new Sampler(new Engine.Sampling(1.0, 1.0, 3, 0.0, 1.0, 42));
        for (int i = 0; i < 200; i++) {
            int token = sampler.next(logits.clone(), new int[0], 0);
            assertTrue(token == top[0] || token == top[1] || token == top[2], "drew " + token + ", not one of the top 3");
        }
    }
}
