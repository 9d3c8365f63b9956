// Picks the next token from logits: greedy (first highest logit, as llama.cpp's greedy sampler)
// at temperature 0, otherwise llama.cpp's default chain order: repeat penalty, top-k, top-p,
// min-p, temperature, then a draw from a seeded generator. Random draws do not reproduce
// llama.cpp's RNG; only greedy output is meant to be identical.
package hearth.engine;

import java.util.Arrays;
import java.util.Random;

final class Sampler {
    private final Engine.Sampling params;
    private final Random random;

    Sampler(Engine.Sampling params) {
        this.params = params;
        this.random = new Random(params.seed());
    }

    /** recent: the last tokens of the context, for the repeat penalty (llama.cpp penalty_last_n). */
    int next(float[] logits, int[] recent, int recentCount) {
        if (params.repeatPenalty() != 1.0) penalise(logits, recent, recentCount, (float) params.repeatPenalty());
        if (params.temperature() <= 0) return argmax(logits);
        int keep = params.topK() > 0 ? Math.min(logits.length, params.topK()) : logits.length;
        int[] order = best(logits, keep);
        double[] p = softmax(logits, order, keep, 1.0);
        if (params.topP() < 1.0) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += p[i];
                if (cum >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0) {
            for (int i = 1; i < keep; i++) {
                if (p[i] < params.minP() * p[0]) {
                    keep = i;
                    break;
                }
            }
        }
        p = softmax(logits, order, keep, params.temperature());
        double r = random.nextDouble();
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r < 0) return order[i];
        }
        return order[keep - 1];
    }

    /**
     * The {@code keep} highest logits' token ids, highest first, ties in id order (as a stable
     * sort by logit would give). Each token becomes one long, its logit in an order-keeping int
     * above its id, so plain long comparisons rank them: with top-k that is one pass keeping the k
     * least in a sorted array, without it one primitive sort, instead of sorting 150k boxed ids.
     */
    static int[] best(float[] logits, int keep) {
        boolean whole = keep >= logits.length;                       // top-k off: every token, ranked
        long[] top = new long[keep];
        int count = 0;
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);      // ints in the order of the floats
            long key = ((long) ~ascending << 32) | i;                // ~: highest logit first; then lowest id
            if (whole) {
                top[i] = key;
            } else if (count < keep || key < top[keep - 1]) {
                int at = -Arrays.binarySearch(top, 0, count, key) - 1;   // keys are distinct: never found
                int moved = Math.min(count, keep - 1) - at;
                if (moved > 0) System.arraycopy(top, at, top, at + 1, moved);
                top[at] = key;
                if (count < keep) count++;
            }
        }
        if (whole) Arrays.sort(top);
        int[] order = new int[keep];
        for (int i = 0; i < keep; i++) order[i] = (int) top[i];
        return order;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** llama.cpp penalties: a positive logit is divided by the penalty, a negative one multiplied. */
    private static void penalise(float[] logits, int[] recent, int count, float penalty) {
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < count; i++) {
            int t = recent[i];
            if (t < 0 || t >= logits.length || seen[t]) continue;
            seen[t] = true;
            logits[t] = logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty;
        }
    }

    private static double[] softmax(float[] logits, int[] order, int keep, double temperature) {
        double[] p = new double[keep];
        double max = logits[order[0]] / temperature;
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < keep; i++) p[i] /= sum;
        return p;
    }
}
