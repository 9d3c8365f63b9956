// Greedy generation of the embedded engine against llama.cpp's own llama-server on the same GGUF
// file, compared token id for token id (no tokenizer involved): tiny random-weight qwen2, llama
// (Llama 3) and qwen3 models, prompts of 20 to 150 tokens so both of ggml's attention paths run.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineParityTest {
    private static final int[] PROMPT_LENGTHS = {64, 97, 150, 20};
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

    /** Token ids below every tiny model's vocabulary size, from a fixed seed. */
    static int[] prompt(int length, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = 100 + random.nextInt(120_000);
        return ids;
    }
}
