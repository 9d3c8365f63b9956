// The element-wise operations of a transformer layer, written to round as ggml's CPU ops do:
// RMSNorm (ops.cpp rms_norm_f32: double sum, float scale), RoPE (ggml_rope_cache_init and
// rotate_pairs), and SwiGLU with ggml's AVX-512/AVX2 ggml_v_expf polynomial. GCC builds ggml with
// -ffp-contract=fast, so a*b+c in its C code is an FMA here too.
package hearth.engine;

final class Ops {
    private Ops() {
    }

    /** out = x / sqrt(mean(x²) + eps) * weight, over x[off, off+n). */
    static void rmsNorm(float[] out, int outOff, float[] x, int off, int n, float[] weight, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[off + i] * x[off + i];
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) out[outOff + i] = x[off + i] * scale * weight[i];
    }

    /** cos/sin pairs for one position: cache[2i] = cos, cache[2i+1] = sin, i < ropeDims/2. */
    static float[] ropeCache(Model m, int pos) {
        float[] cache = new float[m.ropeDims];
        float thetaScale = (float) Math.pow(m.ropeBase, -2.0f / m.ropeDims);
        float theta = pos;
        for (int i0 = 0; i0 < m.ropeDims; i0 += 2) {
            float ff = m.ropeFreqFactors != null ? m.ropeFreqFactors[i0 / 2] : 1.0f;
            float t = m.ropeScale * (theta / ff);
            cache[i0] = Libm.cosf(t);
            cache[i0 + 1] = Libm.sinf(t);
            theta *= thetaScale;
        }
        return cache;
    }

    /** Rotates each head of x[off ..) in place: NORM pairs (2i, 2i+1), NEOX pairs (i, i+n/2). */
    static void rope(float[] x, int off, int heads, int headDim, Model m, float[] cache) {
        int n = m.ropeDims;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i0 = 0; i0 < n; i0 += 2) {
                int a = m.ropeNeox ? base + i0 / 2 : base + i0;
                int b = m.ropeNeox ? a + n / 2 : a + 1;
                float c = cache[i0];
                float s = cache[i0 + 1];
                float x0 = x[a];
                float x1 = x[b];
                x[a] = Math.fma(x0, c, -(x1 * s));
                x[b] = Math.fma(x0, s, x1 * c);
            }
        }
    }

    /** ggml_vec_swiglu_f32: silu(g) * u, vector expf over whole registers, glibc expf for the tail. */
    static void swiglu(float[] out, float[] g, float[] u, int n, int lanes) {
        int whole = n - n % lanes;
        for (int i = 0; i < whole; i++) out[i] = silu(g[i]) * u[i];
        for (int i = whole; i < n; i++) out[i] = (g[i] / (1.0f + Libm.expf(-g[i]))) * u[i];
    }

    /** ggml_v_silu: x / (1 + ggml_v_expf(-x)). */
    static float silu(float x) {
        return x / (1.0f + expf(-x));
    }

    /** ggml_v_expf (ARM optimized-routines expf as ggml vectorises it), one lane. */
    static float expf(float x) {
        final float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u,
                Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u, Math.fma(0x1.ffffecp-1f, b, 1.0f));
        if (Math.abs(n) > 192) return n <= 0 ? 0f : Float.POSITIVE_INFINITY;   // AVX-512 branch
        return Math.scalb(j, (int) n);
    }
}
