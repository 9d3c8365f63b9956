// hearth's embedded inference engine: loads a GGUF model (llama, qwen2, qwen3) and generates
// tokens from token ids, streaming each to a callback and checking a cancellation flag between
// two tokens. One generation at a time per Engine. Tokenization is Tokenizer's job, not this file's.
package hearth.engine;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

public final class Engine {
    private static final int PENALTY_LAST_N = 64;   // llama.cpp's default repeat_last_n
    static final long HEAP_RESERVE = 64L << 20;     // heap kept free of weights beyond the cache and a batch's work: the server's own
    static final int UBATCH = 512;                  // llama.cpp's default n_ubatch: the most tokens one forward pass takes
    public static final int CACHE_STEP = Transformer.CACHE_STEP;   // the KV cache grows this many positions at a time
    static final long IDLE_MILLIS = 1000;           // idle this long after an answer, the engine gives its free heap back

    private final Model model;
    private final Path file;
    private final boolean groups;                   // whether the kernels read Q4_0, Q4_K, Q5_K and Q6_K rows in groups (Tensor.hold)
    private final Transformer transformer;
    private final Set<Integer> stopTokens = new HashSet<>();
    private long answers;                           // generate calls so far, guarded by this

    /** Sampling settings; temperature 0 means greedy. Validated here, at the boundary. */
    public record Sampling(double temperature, double topP, int topK, double minP, double repeatPenalty, long seed) {
        public Sampling {
            require(temperature >= 0 && temperature <= 2, "temperature must be in [0, 2], got " + temperature);
            require(topP >= 0 && topP <= 1, "top_p must be in [0, 1], got " + topP);        // 0 keeps the likeliest token alone, as llama.cpp's min_keep 1 does
            require(topK >= 0, "top_k must be 0 (off) or more, got " + topK);
            require(minP >= 0 && minP <= 1, "min_p must be in [0, 1], got " + minP);
            require(repeatPenalty > 0, "repeat_penalty must be positive, got " + repeatPenalty);
        }

        public static Sampling greedy() {
            return new Sampling(0, 1, 0, 0, 1, 0);
        }
    }

    /** What a generation produced; stopReason is "stop" (end-of-generation token), "length" or "cancelled". */
    public record Result(int[] tokens, int promptTokens, int completionTokens, long promptMillis, long generationMillis,
                         String stopReason) {
    }

    // Keeps no reference to gguf: its metadata (the vocabulary) is the tokenizer's to copy, then garbage.
    private Engine(Gguf gguf, int maxContext, int threads) {
        this.model = new Model(gguf);
        int context = maxContext > 0 ? Math.min(maxContext, model.trainedContext) : model.trainedContext;
        Matmul matmul = new Matmul(SimdWidth.lanes(), threads);
        this.transformer = new Transformer(model, context, matmul);
        this.file = gguf.path();
        this.groups = matmul.kernels(0).dotsGroups();
        for (String key : new String[] {"tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
            if (gguf.has(key)) stopTokens.add((int) gguf.integer(key));
        }
    }

    /** Opens and maps the file and holds its weights (see hold); maxContext caps the model's trained context (0: no cap). */
    public static Engine load(Path gguf, int maxContext) {
        Engine engine = load(Gguf.open(gguf), maxContext, Runtime.getRuntime().availableProcessors());
        engine.hold();
        return engine;
    }

    /**
     * Reads the weights into the heap as far as it has room (Model.hold), so the kernels read them
     * in place; room is kept for the whole KV cache and a full batch's work, so a long prompt or
     * conversation never meets a heap that the weights filled. Call it once the file's metadata is
     * garbage: a full collection first leaves only what lives on below the weights, so later
     * collections find nothing to move them down over and stay cheap.
     */
    void hold() {
        System.gc();
        model.hold(file, groups, transformer.cacheBytes() + transformer.workingBytes(UBATCH) + HEAP_RESERVE);
        System.gc();                                // unmaps the file when every matrix is held: its metadata pages go too
    }

    /** The bytes of weights hold read into the heap. */
    long heldBytes() {
        return model.heldBytes();
    }

    static Engine load(Gguf gguf, int maxContext, int threads) {
        if (maxContext < 0) throw new EngineException("maxContext must be 0 (the model's own) or positive, got " + maxContext);
        return new Engine(gguf, maxContext, threads);
    }

    public String modelName() {
        return model.name;
    }

    public String architecture() {
        return model.architecture;
    }

    public int contextLength() {
        return transformer.contextLength;
    }

    /** Bytes the KV cache holds once the whole context is in use (F16 keys and values, every layer). */
    public long cacheBytes() {
        return transformer.cacheBytes();
    }

    /** Bytes the KV cache holds now: it grows with the positions in use, CACHE_STEP at a time. */
    public long residentCacheBytes() {
        return transformer.residentCacheBytes();
    }

    /**
     * Generates up to maxTokens tokens after prompt. Each new token goes to onToken as soon as it
     * is chosen; cancelled is checked before every token after the prompt, and an interrupted
     * thread counts as cancelled. Stops early at the model's end-of-generation tokens (included).
     */
    public synchronized Result generate(int[] prompt, Sampling sampling, int maxTokens, IntConsumer onToken,
                                        BooleanSupplier cancelled) {
        if (prompt.length == 0) throw new EngineException("the prompt must hold at least one token");
        if (maxTokens < 0) throw new EngineException("maxTokens must be 0 or more, got " + maxTokens);
        int room = transformer.contextLength - prompt.length;
        if (room < 0) {
            throw new EngineException("the prompt has " + prompt.length + " tokens but the context holds "
                    + transformer.contextLength + "; shorten the prompt or raise the context length (--context-length, HEARTH_CONTEXT_LENGTH; the file's own is "
                    + model.trainedContext + ")");
        }
        int limit = Math.min(maxTokens, room);
        Sampler sampler = new Sampler(sampling);
        int[] history = Arrays.copyOf(prompt, prompt.length + limit);
        long start = System.nanoTime();
        float[] logits = null;
        String reason = "length";
        // The prompt goes through in batches of at most UBATCH tokens, as llama.cpp's n_ubatch: that
        // bounds the activations a long prompt needs, lets a cancel stop between two batches, and
        // keeps each batch's attention path (one_chunk or tiled) the one llama.cpp takes.
        for (int from = 0; limit > 0 && from < prompt.length; from += UBATCH) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                reason = "cancelled";
                limit = 0;
                break;
            }
            int to = Math.min(prompt.length, from + UBATCH);
            logits = transformer.forward(Arrays.copyOfRange(prompt, from, to), from, to == prompt.length);
        }
        // The prompt's activations outlived many young collections and now sit, dead, in the old
        // generation. A full collection (~15 ms) lets it shrink to the KV cache again, as install's
        // heap flags ask, instead of keeping those pages resident through the whole answer.
        if (limit > 0 && prompt.length > 1) System.gc();
        long promptNanos = System.nanoTime() - start;
        int[] out = new int[limit];
        int count = 0;
        long genStart = System.nanoTime();
        while (count < limit) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                reason = "cancelled";
                break;
            }
            int used = prompt.length + count;
            int from = Math.max(0, used - PENALTY_LAST_N);
            int token = sampler.next(logits, Arrays.copyOfRange(history, from, used), used - from);
            out[count++] = token;
            history[used] = token;
            onToken.accept(token);
            if (stopTokens.contains(token)) {
                reason = "stop";
                break;
            }
            if (count < limit) logits = transformer.forward(new int[] {token}, used, true);
        }
        long genNanos = System.nanoTime() - genStart;
        transformer.releaseScratch();
        returnFreeHeapWhenIdle(++answers);
        return new Result(Arrays.copyOf(out, count), prompt.length, count, promptNanos / 1_000_000, genNanos / 1_000_000, reason);
    }

    /**
     * Gives the old generation's free room back to the OS once the engine has been idle for
     * IDLE_MILLIS after an answer (returnFreeHeap). Not at once: by then the server has sent the
     * answer, whose text and JSON a young collection may have promoted, dead, into the old
     * generation (0.3-0.4 MiB for a 0.5B model, resident until the next full collection). An
     * answer begun in the meantime skips it: the engine is busy, and that answer's turn comes.
     */
    private void returnFreeHeapWhenIdle(long answer) {
        Thread idle = new Thread(() -> {
            try {
                Thread.sleep(IDLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (answers == answer) returnFreeHeap();
            }
        }, "hearth-engine-idle");
        idle.setDaemon(true);
        idle.start();
    }

    /**
     * Gives the old generation's free room back to the OS. install's flags keep 1 % of it free
     * (Launch.flags), so that a busy engine is not collected in full at every promotion; an idle
     * one needs no room, and of a heap that is mostly weights that 1 % is resident memory: 4 MiB
     * for a 0.4 GB model, 45 MiB for 4.5 GB. The two ratios are manageable flags: a full
     * collection with both at 0 (6 ms for a 1.5B model here) shrinks the heap to what lives, and
     * the next answer's first collection grows the room back. A JVM without the management bean,
     * or that refuses the values, keeps its room.
     */
    private static void returnFreeHeap() {
        try {
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            String min = vm.getVMOption("MinHeapFreeRatio").getValue(), max = vm.getVMOption("MaxHeapFreeRatio").getValue();
            vm.setVMOption("MinHeapFreeRatio", "0");   // first: MaxHeapFreeRatio may not go below it
            vm.setVMOption("MaxHeapFreeRatio", "0");
            try {
                System.gc();
            } finally {
                vm.setVMOption("MaxHeapFreeRatio", max);
                vm.setVMOption("MinHeapFreeRatio", min);
            }
        } catch (RuntimeException | LinkageError e) {
            // no management bean, or flags this JVM does not manage: nothing to give back
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new EngineException(message);
    }
}
