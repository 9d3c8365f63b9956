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
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = order.length;
        if (params.topK() > 0) keep = Math.min(keep, params.topK());
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

    private static double[] softmax(float[] logits, Integer[] order, int keep, double temperature) {
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
