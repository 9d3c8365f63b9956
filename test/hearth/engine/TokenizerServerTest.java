package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Tokenizer against llama.cpp itself: every text of tokenizer-corpus.txt is tokenized by a real
// llama-server (POST /tokenize) and by Tokenizer, for a Qwen2 BPE, a Llama-3 BPE and a SentencePiece
// vocabulary, and the ids must be identical; decoding is checked against /detokenize the same way.
class TokenizerServerTest {

    private static final Map<String, TokenizerLlamaServer> SERVERS = new LinkedHashMap<>();
    private static final Map<String, Tokenizer> TOKENIZERS = new LinkedHashMap<>();
    private static List<String> corpus;
    private static String skipReason;

    @BeforeAll
    static void startServers() throws Exception {
        corpus = TokenizerLlamaServer.corpus();
        try {
            for (String model : List.of("tiny-qwen2", "tiny-llama3", "tiny-llama-spm")) {
                Path file = model.equals("tiny-llama-spm") ? TokenizerLlamaServer.spmModelPath()
                        : TokenizerLlamaServer.modelPath(model);
                TOKENIZERS.put(model, Tokenizer.from(Gguf.open(file).metadata()));
                SERVERS.put(model, TokenizerLlamaServer.start(model));
            }
        } catch (TokenizerLlamaServer.Skip e) {
            skipReason = e.getMessage();
            System.err.println("\n*** SKIPPING TokenizerServerTest: llama-server.sh exited 3 (missing need): " + skipReason + "\n");
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (TokenizerLlamaServer server : SERVERS.values()) server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-spm"})
    void encode_corpusWithSpecialTokens_matchesLlamaServer(String model) throws Exception {
        assertSameTokens(model, true, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-spm"})
    void encode_corpusAsPlainText_matchesLlamaServer(String model) throws Exception {
        assertSameTokens(model, false, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-spm"})
    void decode_corpusTokens_matchesLlamaServerDetokenize(String model) throws Exception {
        TokenizerLlamaServer server = server(model);
        Tokenizer tokenizer = TOKENIZERS.get(model);
        List<String> mismatches = new ArrayList<>();
        for (String text : corpus) {
            int[] ids = server.tokenize(text, true, true);
            String want = server.detokenize(ids);
            String got = tokenizer.decode(ids);
            if (!want.equals(got)) mismatches.add(TokenizerLlamaServer.quote(text) + "\n  server " + want + "\n  hearth " + got);
        }
        assertTrue(mismatches.isEmpty(), model + ": " + mismatches.size() + " texts decode differently:\n" + String.join("\n", mismatches));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-spm"})
    void decoder_corpusTokenByToken_joinsToServerText(String model) throws Exception {
        TokenizerLlamaServer server = server(model);
        Tokenizer tokenizer = TOKENIZERS.get(model);
        for (String text : corpus) {
            int[] ids = server.tokenize(text, false, true);
            Tokenizer.Decoder decoder = tokenizer.decoder();
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String part = decoder.next(id);
                assertTrue(part.indexOf('\uFFFD') < 0 || text.indexOf('\uFFFD') >= 0, "decoder split a character in " + text);
                streamed.append(part);
            }
            streamed.append(decoder.finish());
            assertEquals(server.detokenize(ids), streamed.toString(), model + " streaming " + TokenizerLlamaServer.quote(text));
        }
    }

    private static void assertSameTokens(String model, boolean addSpecial, boolean parseSpecial) throws Exception {
        TokenizerLlamaServer server = server(model);
        Tokenizer tokenizer = TOKENIZERS.get(model);
        List<String> mismatches = new ArrayList<>();
        for (String text : corpus) {
            int[] want = server.tokenize(text, addSpecial, parseSpecial);
            int[] got = tokenizer.encode(text, addSpecial, parseSpecial);
            if (!Arrays.equals(want, got)) {
                mismatches.add(TokenizerLlamaServer.quote(text) + "\n  server " + Arrays.toString(want) + "\n  hearth " + Arrays.toString(got));
            }
        }
        System.err.println("TokenizerServerTest: " + model + " add_special=" + addSpecial + " parse_special=" + parseSpecial + ": "
                + (corpus.size() - mismatches.size()) + "/" + corpus.size() + " texts tokenized identically to llama-server");
        assertTrue(mismatches.isEmpty(), model + ": " + mismatches.size() + " of " + corpus.size()
                + " texts tokenize differently:\n" + String.join("\n", mismatches));
    }

    private static TokenizerLlamaServer server(String model) {
        assumeTrue(skipReason == null, () -> "llama-server.sh reports a missing need: " + skipReason);
        TokenizerLlamaServer server = SERVERS.get(model);
        assertTrue(server != null, "server for " + model + " did not start");
        return server;
    }
}
