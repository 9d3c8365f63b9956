// The hyperparameters and weights of a llama, qwen2 or qwen3 model, read from GGUF metadata
// (keys as llama.cpp's llama-arch.cpp names them) and its tensor index. The matrices are read into
// the heap as far as it allows (hold), Q4_K, Q5_K and Q6_K ones laid out for the vector kernels, the rest
// stay mapped; the small norm vectors and biases are copied into arrays.
package hearth.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

final class Model {
    final String architecture;
    final String name;
    final int dim;               // embedding length
    final int layerCount;
    final int heads;
    final int kvHeads;
    final int headDim;           // key/query length per head
    final int valueDim;          // value length per head
    final int ffDim;
    final int vocab;
    final int trainedContext;
    final int ropeDims;          // rotated dimensions per head (n_rot)
    final boolean ropeNeox;      // qwen2/qwen3 rotate (i, i + n/2); llama rotates (2i, 2i+1)
    final float ropeBase;
    final float ropeScale;       // freq_scale = 1 / linear scaling factor
    final float[] ropeFreqFactors; // llama3 rope_freqs.weight, or null
    final float eps;
    final Tensor tokenEmbedding;
    final float[] outputNorm;
    final Tensor output;         // token_embd.weight when the file ties them
    final Layer[] layers;

    static final class Layer {
        float[] attnNorm;
        Tensor wq;
        Tensor wk;
        Tensor wv;
        float[] bq;
        float[] bk;
        float[] bv;
        float[] qNorm;
        float[] kNorm;
        Tensor wo;
        float[] ffnNorm;
        Tensor gate;
        Tensor up;
        Tensor down;
    }

    Model(Gguf g) {
        architecture = g.string("general.architecture");
        if (!List.of("llama", "qwen2", "qwen3").contains(architecture)) {
            throw new EngineException("model architecture '" + architecture + "' in " + g.path()
                    + " is not supported by the embedded engine (llama, qwen2 and qwen3 are); run it with llama-server or Ollama");
        }
        String a = architecture + ".";
        name = g.string("general.name", g.path().getFileName().toString());
        dim = (int) g.integer(a + "embedding_length");
        layerCount = (int) g.integer(a + "block_count");
        heads = (int) g.integer(a + "attention.head_count");
        kvHeads = perLayerInt(g, a + "attention.head_count_kv", heads);
        headDim = (int) g.integer(a + "attention.key_length", dim / heads);
        valueDim = (int) g.integer(a + "attention.value_length", headDim);
        ffDim = perLayerInt(g, a + "feed_forward_length", 0);
        trainedContext = (int) g.integer(a + "context_length");
        ropeDims = (int) g.integer(a + "rope.dimension_count", headDim);
        ropeNeox = !architecture.equals("llama");
        ropeBase = (float) g.number(a + "rope.freq_base", 10000.0);
        String scaling = g.string(a + "rope.scaling.type", "none");
        double factor = g.number(a + "rope.scaling.factor", 0);
        if (scaling.equals("linear") && factor > 0) {
            ropeScale = (float) (1.0 / factor);
        } else if (scaling.equals("none") || scaling.equals("linear") || factor == 0 || factor == 1) {
            ropeScale = 1f;
        } else {
            throw new EngineException("rope scaling '" + scaling + "' (" + a + "rope.scaling.type) in " + g.path()
                    + " is not supported by the embedded engine; only linear scaling and llama3 rope_freqs are");
        }
        eps = (float) g.number(a + "attention.layer_norm_rms_epsilon", 1e-5);
        Tensor freqs = g.tensor("rope_freqs.weight");
        ropeFreqFactors = freqs == null ? null : freqs.toFloats();
        if (heads % kvHeads != 0) throw invalid(g, "head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        if (ropeDims % 2 != 0 || ropeDims > headDim) throw invalid(g, "rope dimension count " + ropeDims);

        tokenEmbedding = g.requireTensor("token_embd.weight");
        vocab = (int) tokenEmbedding.rows();
        outputNorm = g.requireTensor("output_norm.weight").toFloats();
        Tensor out = g.tensor("output.weight");
        output = out != null ? out : tokenEmbedding;
        layers = new Layer[layerCount];
        for (int i = 0; i < layerCount; i++) layers[i] = layer(g, "blk." + i + ".");
        check(g, tokenEmbedding, dim, vocab);
        check(g, output, dim, vocab);
    }

    int kvDim() {
        return kvHeads * headDim;
    }

    /**
     * Reads the matrices into the heap (Tensor.hold), largest first, while the heap has room for
     * them and {@code reserve} bytes more (the KV cache, activations); with {@code group}, Q4_0,
     * Q4_K, Q5_K and Q6_K ones in groups of eight rows for the vector kernels. They share as few arrays as
     * hold them: the heap grows, and collects, once an array rather than once a matrix (a
     * collection per matrix added seconds to loading a 1 GB model). Any left over stay mapped and
     * are copied a few rows at a time as they are multiplied: only slower, with the same results.
     */
    void hold(Path file, boolean group, long reserve) {
        List<Tensor> matrices = matrices();
        matrices.sort(Comparator.comparingLong(Tensor::bytes).reversed());
        Runtime runtime = Runtime.getRuntime();
        long room = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory()) - reserve;
        List<List<Tensor>> arrays = new ArrayList<>();      // first fit, largest first
        for (Tensor t : matrices) {
            if (!t.holdable() || t.heldBytes() > room) continue;
            room -= t.heldBytes();
            List<Tensor> fit = arrays.stream().filter(a -> heldBytes(a) + t.heldBytes() <= Tensor.MAX_ARRAY).findFirst().orElse(null);
            if (fit == null) arrays.add(fit = new ArrayList<>());
            fit.add(t);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (List<Tensor> array : arrays) {
                byte[] all = new byte[(int) heldBytes(array)];
                int at = 0;
                for (Tensor t : array) {
                    t.hold(channel, group && t.groupable(), all, at);
                    at += (int) t.heldBytes();
                }
            }
        } catch (IOException e) {
            throw new EngineException("could not read model file " + file + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // the heap is fuller than it said: the matrices not held yet stay mapped
        }
    }

    /** The bytes of the matrices hold read into the heap. */
    long heldBytes() {
        return matrices().stream().filter(t -> t.held() != null).mapToLong(Tensor::bytes).sum();
    }

    /** The bytes these tensors take of an array that holds them all. */
    private static long heldBytes(List<Tensor> tensors) {
        return tensors.stream().mapToLong(Tensor::heldBytes).sum();
    }

    /** Every matrix once (the output one may be the token embedding). */
    private List<Tensor> matrices() {
        Set<Tensor> unique = Collections.newSetFromMap(new IdentityHashMap<>());
        unique.add(output);
        unique.add(tokenEmbedding);
        for (Layer l : layers) unique.addAll(List.of(l.wq, l.wk, l.wv, l.wo, l.gate, l.up, l.down));
        return new ArrayList<>(unique);
    }

    private Layer layer(Gguf g, String p) {
        Layer l = new Layer();
        l.attnNorm = g.requireTensor(p + "attn_norm.weight").toFloats();
        l.wq = check(g, g.requireTensor(p + "attn_q.weight"), dim, heads * headDim);
        l.wk = check(g, g.requireTensor(p + "attn_k.weight"), dim, kvHeads * headDim);
        l.wv = check(g, g.requireTensor(p + "attn_v.weight"), dim, kvHeads * valueDim);
        l.bq = floats(g, p + "attn_q.bias");
        l.bk = floats(g, p + "attn_k.bias");
        l.bv = floats(g, p + "attn_v.bias");
        l.qNorm = floats(g, p + "attn_q_norm.weight");
        l.kNorm = floats(g, p + "attn_k_norm.weight");
        l.wo = check(g, g.requireTensor(p + "attn_output.weight"), heads * valueDim, dim);
        l.ffnNorm = g.requireTensor(p + "ffn_norm.weight").toFloats();
        l.gate = g.requireTensor(p + "ffn_gate.weight");
        int ff = (int) l.gate.rows();
        l.up = check(g, g.requireTensor(p + "ffn_up.weight"), dim, ff);
        l.down = check(g, g.requireTensor(p + "ffn_down.weight"), ff, dim);
        check(g, l.gate, dim, ff);
        Input.kindFor(l.wq.type);                 // fail at load, not mid-answer, on an unsupported type
        Input.kindFor(l.gate.type);
        Input.kindFor(l.down.type);
        return l;
    }

    private static float[] floats(Gguf g, String name) {
        Tensor t = g.tensor(name);
        return t == null ? null : t.toFloats();
    }

    private static Tensor check(Gguf g, Tensor t, int columns, long rows) {
        if (t.columns() != columns || t.rows() != rows) {
            throw invalid(g, "tensor " + t.name + " should be " + columns + " x " + rows + ", found "
                    + java.util.Arrays.toString(t.dims));
        }
        Input.kindFor(t.type);
        return t;
    }

    /** head_count_kv and feed_forward_length may be per-layer arrays; all layers must agree here. */
    private static int perLayerInt(Gguf g, String key, int fallback) {
        Object v = g.metadata().get(key);
        if (v == null) return fallback;
        if (v instanceof Long) return (int) (long) (Long) v;
        List<Object> list = g.array(key);
        if (list.isEmpty() || list.stream().distinct().count() != 1) {
            throw invalid(g, key + " varies per layer " + list + "; the embedded engine needs one value");
        }
        return (int) (long) (Long) list.get(0);
    }

    private static EngineException invalid(Gguf g, String what) {
        return new EngineException("model file " + g.path() + " is not a usable " + g.string("general.architecture", "?")
                + " model: " + what);
    }
}
