// Greedy generation of the embedded engine against llama.cpp's own llama-server on the same GGUF
// file, compared token id for token id (no tokenizer involved): tiny random-weight qwen2, llama
// (Llama 3) and qwen3 models, prompts of 20 to 900 tokens so every one of ggml's attention paths
// runs (one_chunk, tiled, and the split over threads once the padded cache reaches 512 cells) and a
// prompt longer than llama.cpp's 512-token ubatch goes through in two batches, as there; the
// 250-token prompt's answer grows the KV cache past its first 256 positions.
// The quantised kernels are checked on the bench-size Qwen2 files (the shape of Qwen2.5-0.5B) in
// Q8_0 and Q4_K_M, with prompts whose answers once drifted: when one RoPE angle or softmax
// exponential was an ulp off glibc's, and while Q4_K was summed as ggml's vec_dot does, not as
// the repacked gemv and gemm llama.cpp runs on x86 (token counts that are not a multiple of four
// take both).
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineParityTest {
    private static final int[] PROMPT_LENGTHS = {64, 97, 150, 20, 250, 600, 700, 900};
    private static final int PREDICT = 40;

    @Test
    void generate_tinyQwen2_matchesLlamaServer() throws Exception {
        assertParity("tiny-qwen2", EngineLlamaServer.modelPath("tiny-qwen2"));
    }

    @Test
    void generate_tinyLlama3_matchesLlamaServer() throws Exception {
        assertParity("tiny-llama3", EngineLlamaServer.modelPath("tiny-llama3"));
    }

    @Test
    void generate_tinyQwen3_matchesLlamaServer() throws Exception {
        assertParity("tiny-qwen3", EngineLlamaServer.qwen3Path());
    }

    @Test
    void generate_benchQwen2Q8_0_matchesLlamaServer() throws Exception {
        assertParity("bench-qwen2-q8_0", EngineLlamaServer.modelPath("bench-qwen2-q8_0"), new int[] {1, 48, 63, 128, 300}, 16);
    }

    @Test
    void generate_benchQwen2Q4_K_M_matchesLlamaServer() throws Exception {
        assertParity("bench-qwen2-q4_k_m", EngineLlamaServer.modelPath("bench-qwen2-q4_k_m"), new int[] {1, 47, 130, 300}, 16);
    }

    @Test
    void generate_tinyQwen2Q5_K_matchesLlamaServer() throws Exception {
        Path file = EngineLlamaServer.q5_KPath();
        assertEquals("Q5_K", Gguf.open(file).requireTensor("token_embd.weight").type.name(), "every matrix is Q5_K, the embedding too");
        assertParity("tiny-qwen2-q5_k", file, new int[] {64, 97, 150, 20, 250, 400}, PREDICT);
    }

    @Test
    void generate_tinyQwen2Q3_K_matchesLlamaServer() throws Exception {
        Path file = EngineLlamaServer.q3_KPath();
        assertEquals("Q3_K", Gguf.open(file).requireTensor("token_embd.weight").type.name(), "every matrix is Q3_K, the embedding too");
        assertParity("tiny-qwen2-q3_k", file, new int[] {64, 97, 150, 20, 250, 400}, PREDICT);
    }

    @Test
    void generate_tinyQwen2Q2_K_matchesLlamaServer() throws Exception {
        assertQuantisedParity("Q2_K");
    }

    @Test
    void generate_tinyQwen2Q4_1_matchesLlamaServer() throws Exception {
        assertQuantisedParity("Q4_1");
    }

    @Test
    void generate_tinyQwen2Q5_1_matchesLlamaServer() throws Exception {
        assertQuantisedParity("Q5_1");
    }

    @Test
    void generate_tinyQwen2Q4_0_matchesLlamaServer() throws Exception {
        assertQuantisedParity("Q4_0");
    }

    @Test
    void generate_tinyQwen2Iq4Nl_matchesLlamaServer() throws Exception {
        assertQuantisedParity("IQ4_NL");
    }

    @Test
    void generate_tinyQwen2Iq4Xs_matchesLlamaServer() throws Exception {
        assertQuantisedParity("IQ4_XS");
    }

    private static void assertQuantisedParity(String type) throws Exception {
        Path file = EngineLlamaServer.quantisedPath(type);
        assertEquals(type, Gguf.open(file).requireTensor("blk.0.ffn_up.weight").type.name(), "every matrix is " + type);
        assertParity(file.getFileName().toString().replace(".gguf", ""), file, new int[] {64, 97, 150, 20, 250, 400}, PREDICT);
    }

    @Test
    void cancel_duringALongPrompt_stopsBetweenTwoBatches() throws Exception {
        Engine engine = Engine.load(EngineLlamaServer.modelPath("tiny-qwen2"), 1024);
        int[] checks = {0};
        Engine.Result r = engine.generate(prompt(Engine.UBATCH + 100, 1), Engine.Sampling.greedy(), 10, t -> { }, () -> ++checks[0] > 1);
        assertEquals("cancelled", r.stopReason());
        assertEquals(0, r.completionTokens());
        assertEquals(2, checks[0], "checked before each of the two batches, then stopped");
    }

    @Test
    void heldWeights_answerAsMappedOnes() throws Exception {
        // Engine.load reads the weights into the heap (Q4_K and Q6_K in groups when the vector
        // kernels run); an engine whose heap had no room leaves them mapped and copies rows as it
        // multiplies. Every type of the Q4_K_M file (Q4_K, Q5_0, Q6_K, Q8_0) meets both paths.
        Path file = EngineLlamaServer.modelPath("bench-qwen2-q4_k_m");
        int[] prompt = prompt(37, 5);                  // tiles of four tokens and a lone one
        Engine mapped = Engine.load(Gguf.open(file), 512, 2);
        assertEquals(0, mapped.heldBytes());
        int[] expected = mapped.generate(prompt, Engine.Sampling.greedy(), 8, t -> { }, () -> false).tokens();
        mapped = null;
        Engine held = Engine.load(file, 512);
        assertTrue(held.heldBytes() > 0.95 * java.nio.file.Files.size(file), "held " + held.heldBytes() + " bytes");
        assertArrayEquals(expected, held.generate(prompt, Engine.Sampling.greedy(), 8, t -> { }, () -> false).tokens());
    }

    @Test
    void aHeapTooSmallForTheWeights_holdsWhatFits_andStillAnswersALongPrompt() throws Exception {
        // A JVM whose heap holds the file only in part: the largest matrices that fit are held, the
        // rest stay mapped, and room is kept for the cache and a full 512-token batch, so a prompt
        // of two batches runs without running out of heap and answers as the fully held engine.
        Path file = EngineLlamaServer.modelPath("bench-qwen2-q4_k_m");
        int[] expected = Engine.load(file, 1024).generate(prompt(530, 9), Engine.Sampling.greedy(), 6, t -> { }, () -> false).tokens();
        String classes = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(EngineParityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx400m"));
        if (ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent()) command.addAll(List.of("--add-modules", Kernels.VECTOR_MODULE));
        command.addAll(List.of("-cp", classes, EngineParityTest.class.getName(), file.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        String[] lines = out.strip().split("\n");
        long held = Long.parseLong(lines[lines.length - 2].trim());
        assertTrue(held > 0 && held < 0.8 * java.nio.file.Files.size(file), "held " + held + " of " + java.nio.file.Files.size(file) + " bytes: " + out);
        assertEquals(Arrays.toString(expected), lines[lines.length - 1].trim(), out);
        System.err.println("EngineParityTest: in a 400 MB heap the engine held " + held + " of " + java.nio.file.Files.size(file) + " bytes");
    }

    /** The child of the test above: what the engine held, then its answer's tokens. */
    public static void main(String[] args) {
        Engine engine = Engine.load(Path.of(args[0]), 1024);
        System.out.println(engine.heldBytes());
        System.out.println(Arrays.toString(engine.generate(prompt(530, 9), Engine.Sampling.greedy(), 6, t -> { }, () -> false).tokens()));
    }

    @Test
    void cache_growsWithThePositionsInUse() throws Exception {
        Engine engine = Engine.load(EngineLlamaServer.modelPath("tiny-qwen2"), 1024);
        long perPosition = engine.cacheBytes() / 1024;
        assertEquals(0, engine.residentCacheBytes());
        engine.generate(prompt(20, 1), Engine.Sampling.greedy(), 10, t -> { }, () -> false);
        assertEquals(256 * perPosition, engine.residentCacheBytes(), "30 positions in use: one step of 256");
        engine.generate(prompt(300, 2), Engine.Sampling.greedy(), 10, t -> { }, () -> false);
        assertEquals(512 * perPosition, engine.residentCacheBytes(), "310 positions in use: two steps");
        engine.generate(prompt(20, 3), Engine.Sampling.greedy(), 10, t -> { }, () -> false);
        assertEquals(512 * perPosition, engine.residentCacheBytes(), "a shorter conversation keeps what the cache has");
    }

    private static void assertParity(String name, Path file) throws Exception {
        Engine engine = Engine.load(file, 1024);
        assertEquals(name.substring("tiny-".length()).replace("llama3", "llama"), engine.architecture());
        try (EngineLlamaServer server = EngineLlamaServer.start(name)) {
            for (int length : PROMPT_LENGTHS) {
                int[] prompt = prompt(length, length);
                int[] expected = server.complete(prompt, PREDICT);
                assertEquals(PREDICT, expected.length, "llama-server stopped early; pick another seed");
                Engine.Result r = engine.generate(prompt, Engine.Sampling.greedy(), PREDICT, t -> { }, () -> false);
                assertArrayEquals(expected, r.tokens(), name + ", prompt of " + length + " tokens: llama-server "
                        + Arrays.toString(expected) + ", engine " + Arrays.toString(r.tokens()));
            }
        }
    }

    private static void assertParity(String name, Path file, int[] lengths, int predict) throws Exception {
        Engine engine = Engine.load(file, 512);
        try (EngineLlamaServer server = EngineLlamaServer.start(name)) {
            for (int length : lengths) {
                int[] prompt = prompt(length, length);
                int[] expected = server.complete(prompt, predict);
                Engine.Result r = engine.generate(prompt, Engine.Sampling.greedy(), predict, t -> { }, () -> false);
                assertArrayEquals(expected, r.tokens(), name + ", prompt of " + length + " tokens: llama-server "
                        + Arrays.toString(expected) + ", engine " + Arrays.toString(r.tokens()));
            }
        }
    }

    /** Token ids below every tiny model's vocabulary size, from a fixed seed. */
    static int[] prompt(int length, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = 100 + random.nextInt(120_000);
        return ids;
    }
}
