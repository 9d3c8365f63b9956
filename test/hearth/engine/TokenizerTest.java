package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Tokenizer on its own: small hand-made vocabularies for the rules (merges, special tokens, BOS/EOS,
// byte fallback, streaming), llama.cpp's own test vectors (models/ggml-vocab-*.gguf.inp/.out, which
// llama.cpp's test-tokenizer-0 checks) for five real vocabularies, and its Unicode tables.
class TokenizerTest {

    // A byte-level BPE vocabulary: the 256 byte characters, a few merges, two special tokens.
    private static Tokenizer toyBpe(String pre, Boolean addBos) {
        List<Object> tokens = new ArrayList<>();
        List<Object> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(byteChar(b)));
            types.add(1L);
        }
        for (String t : List.of("he", "ll", "hell", "hello", "Ġw", "Ġwor", "<|im_start|>", "<|im_end|>", "<|user|>")) {
            tokens.add(t);
            types.add(t.startsWith("<|im") ? 3L : t.equals("<|user|>") ? 4L : 1L);
        }
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", pre);
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.merges", List.of("l l", "h e", "he ll", "hell o", "Ġ w", "o r", "Ġw or"));
        md.put("tokenizer.ggml.bos_token_id", 262L);  // <|im_start|>
        md.put("tokenizer.ggml.eos_token_id", 263L);  // <|im_end|>
        if (addBos != null) md.put("tokenizer.ggml.add_bos_token", addBos);
        return Tokenizer.from(md);
    }

    private static char byteChar(int b) {  // GPT-2's bytes_to_unicode: printable bytes stay, the rest move to 256+
        boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return (char) b;
        int n = 0;
        for (int i = 0; i < b; i++) if (!((i >= 0x21 && i <= 0x7E) || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF))) n++;
        return (char) (256 + n);
    }

    private static int id(Tokenizer t, String text) {
        for (int i = 0; i < t.size(); i++) if (t.text(i).equals(text)) return i;
        throw new AssertionError("no token " + text);
    }

    @Test
    void vocab_textsOfEveryLength_lookUpBothWays() {
        List<Object> texts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int length = i == 40 ? 255 : i == 41 ? 254 : i == 70 ? 1000 : i == 90 ? 0 : 3 + i % 7;
            StringBuilder text = new StringBuilder(i + "|");
            for (int c = 0; text.length() < length; c++) text.append((char) (i == 70 ? 0x4e00 + c : "ab\u00e9\u4e2d".charAt(c % 4)));
            texts.add(text.substring(0, length));      // 70's 997 distinct chars: past what a byte a char holds
        }
        texts.add(texts.get(5));                                                       // a repeat: lookups find the later id
        Vocab vocab = new Vocab(texts);
        for (int id = 0; id < texts.size(); id++) {
            String text = id == 90 ? "[EMPTY_90]" : (String) texts.get(id);
            assertEquals(text, vocab.text(id), "text " + id);
            assertEquals(text.length(), vocab.length(id), "length " + id);
            assertEquals(id == 5 ? 100 : id, vocab.id(text), "id of text " + id);
        }
        assertEquals(-1, vocab.id("not in it"));
    }

    @Test
    void encode_bpeMerges_followRankOrder() {
        Tokenizer t = toyBpe("qwen2", null);
        assertArrayEquals(new int[] {id(t, "hello"), id(t, "Ġwor"), id(t, "l"), id(t, "d")}, t.encode("hello world", false, false));
    }

    @Test
    void encode_aTokenTwoMergesMake_isMadeEitherWay() {
        // "hell" is both "he ll" (rank 3) and "hel l" (rank 4): llama.cpp ranks the two pairs of
        // halves apart, and "hell" reaches "hel l" first, since "he l" (rank 1) beats "l l" (2).
        List<Object> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(byteChar(b)));
        tokens.addAll(List.of("he", "hel", "ll", "hell"));
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", "qwen2");
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.merges", List.of("h e", "he l", "l l", "he ll", "hel l"));
        Tokenizer t = Tokenizer.from(md);
        assertArrayEquals(new int[] {id(t, "hell")}, t.encode("hell", false, false));
        // "hellll": after "hel", the first "l l" (rank 2) goes before "hel l" (4), which it outdates
        assertArrayEquals(new int[] {id(t, "hel"), id(t, "ll"), id(t, "l")}, t.encode("hellll", false, false));
    }

    @Test
    void encode_specialTokenText_isOneIdOnlyWhenParsingSpecial() {
        Tokenizer t = toyBpe("qwen2", null);
        int start = id(t, "<|im_start|>");
        assertEquals(start, t.encode("<|im_start|>hello", false, true)[0]);
        assertEquals(id(t, "<"), t.encode("<|im_start|>hello", false, false)[0]);
    }

    @Test
    void encode_userDefinedToken_isMatchedEvenWithoutParseSpecial() {
        Tokenizer t = toyBpe("qwen2", null);
        assertArrayEquals(new int[] {id(t, "hello"), id(t, "<|user|>")}, t.encode("hello<|user|>", false, false));
    }

    @Test
    void encode_addSpecial_addsBosOnlyWhenTheModelAsks() {
        assertEquals(id(toyBpe("qwen2", true), "<|im_start|>"), toyBpe("qwen2", true).encode("hello", true, true)[0]);
        assertEquals(1, toyBpe("qwen2", null).encode("hello", true, true).length);  // qwen2: no BOS by default
        assertEquals(2, toyBpe("llama-bpe", null).encode("hello", true, true).length);  // llama3: BOS by default
        assertEquals(0, toyBpe("qwen2", null).encode("", false, true).length);
    }

    @Test
    void isEog_eosAndEndOfTurnTexts_areEndOfGeneration() {
        Tokenizer t = toyBpe("qwen2", null);
        assertTrue(t.isEog(id(t, "<|im_end|>")));
        assertFalse(t.isEog(id(t, "<|im_start|>")));
        assertFalse(t.isEog(id(t, "hello")));
    }

    @Test
    void decoder_characterSplitAcrossTokens_isHeldBackUntilComplete() {
        Tokenizer t = toyBpe("qwen2", null);
        int[] ids = t.encode("é€😀", false, false);  // no merges: one token per UTF-8 byte
        assertEquals(2 + 3 + 4, ids.length);
        Tokenizer.Decoder d = t.decoder();
        StringBuilder parts = new StringBuilder();
        for (int id : ids) parts.append(d.next(id)).append('|');
        assertEquals("|é|||€||||😀|", parts.toString());
        assertEquals("", d.finish());
        assertEquals("é€😀", t.decode(ids));
    }

    @Test
    void decoder_truncatedCharacter_comesOutAsReplacementAtFinish() {
        Tokenizer t = toyBpe("qwen2", null);
        Tokenizer.Decoder d = t.decoder();
        assertEquals("", d.next(t.encode("€", false, false)[0]));
        assertEquals("\uFFFD", d.finish());
    }

    @Test
    void decode_controlToken_isSpelledOut() {
        Tokenizer t = toyBpe("qwen2", null);
        assertEquals("<|im_start|>hello world", t.decode(t.encode("<|im_start|>hello world", false, true)));
        assertEquals(0, t.piece(id(t, "<|im_start|>"), false).length);
    }

    @Test
    void from_unsupportedModel_namesTheSupportedOnes() {
        Map<String, Object> md = Map.of("tokenizer.ggml.model", "bert", "tokenizer.ggml.tokens", List.of("a"));
        EngineException e = assertThrows(EngineException.class, () -> Tokenizer.from(md));
        assertTrue(e.getMessage().contains("'bert'") && e.getMessage().contains("'gpt2'"), e.getMessage());
    }

    @Test
    void from_unknownPreTokenizer_isAnError() {
        EngineException e = assertThrows(EngineException.class, () -> toyBpe("tekken", null));
        assertTrue(e.getMessage().contains("'tekken'"), e.getMessage());
    }

    @Test
    void encode_spmUnknownCharacter_fallsBackToByteTokens() {
        List<Object> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "ab", "▁ab"));
        List<Object> types = new ArrayList<>(List.of(2L, 3L, 3L, 1L, 1L, 1L, 1L, 1L, 1L));
        List<Object> scores = new ArrayList<>(List.of(0.0, 0.0, 0.0, -1.0, -2.0, -2.0, -3.0, -1.5, -0.5));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6L);
            scores.add(0.0);
        }
        Map<String, Object> md = Map.of("tokenizer.ggml.model", "llama", "tokenizer.ggml.tokens", tokens,
                "tokenizer.ggml.token_type", types, "tokenizer.ggml.scores", scores);
        Tokenizer t = Tokenizer.from(md);
        int byteBase = 9;
        assertArrayEquals(new int[] {1, 8, 3, byteBase + 0xC3, byteBase + 0xA9}, t.encode("ab é", true, true));
        assertEquals(" ab é", t.decode(t.encode("ab é", false, true)));
        assertArrayEquals(new int[] {1, 1, 3, 6}, t.encode("<s> a", true, true));  // text after a special token gets the space too
    }

    // llama.cpp's tests/test-tokenizer-0 vectors (add_special and parse_special off).
    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama-bpe", "llama-spm", "gpt-2", "starcoder"})
    void encode_llamaCppVocabTestVectors_match(String vocab) throws Exception {
        Path models = sourceTree().resolve("models");
        Tokenizer t = Tokenizer.from(Gguf.open(models.resolve("ggml-vocab-" + vocab + ".gguf")).metadata());
        List<String> inputs = new ArrayList<>(Arrays.asList(
                Files.readString(models.resolve("ggml-vocab-" + vocab + ".gguf.inp")).split("\n__ggml_vocab_test__\n", -1)));
        if (inputs.get(inputs.size() - 1).isEmpty()) inputs.remove(inputs.size() - 1);
        List<String> outputs = Files.readAllLines(models.resolve("ggml-vocab-" + vocab + ".gguf.out"));
        assertEquals(outputs.size(), inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            String got = Arrays.stream(t.encode(inputs.get(i), false, false)).mapToObj(Integer::toString)
                    .reduce((a, b) -> a + " " + b).orElse("");
            assertEquals(outputs.get(i).trim(), got, vocab + " test " + i + ": " + TokenizerLlamaServer.quote(inputs.get(i)));
        }
    }

    // Every code point classified as letter / number / whitespace exactly as llama.cpp's tables.
    @Test
    void flags_everyCodePoint_matchesLlamaCppUnicodeData() throws Exception {
        String data = Files.readString(sourceTree().resolve("src/unicode-data.cpp"));
        int whitespaceAt = data.indexOf("unicode_set_whitespace");
        Matcher m = Pattern.compile("\\{0x([0-9A-F]+), 0x([0-9A-F]+)\\}").matcher(data.substring(0, whitespaceAt));
        List<int[]> ranges = new ArrayList<>();
        while (m.find()) ranges.add(new int[] {Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16)});
        String spaceList = data.substring(whitespaceAt, data.indexOf("};", whitespaceAt));
        java.util.Set<Integer> spaces = new java.util.HashSet<>();
        Matcher s = Pattern.compile("0x([0-9A-F]+)").matcher(spaceList);
        while (s.find()) spaces.add(Integer.parseInt(s.group(1), 16));
        int checked = 0;
        for (int r = 0; r + 1 < ranges.size(); r++) {
            int flags = ranges.get(r)[1];
            for (int c = ranges.get(r)[0]; c < Math.min(ranges.get(r + 1)[0], 0x110000); c++, checked++) {
                int want = (flags & 0x4) != 0 ? 1 : (flags & 0x2) != 0 ? 2 : 0;  // LETTER, NUMBER
                int f = TokenizerSplit.flags(c);
                int got = (f & 1) != 0 ? 1 : (f & 2) != 0 ? 2 : 0;
                if (want != got || spaces.contains(c) != ((f & 4) != 0)) {
                    throw new AssertionError(String.format("U+%04X: llama.cpp class %d space %b, hearth %d space %b",
                            c, want, spaces.contains(c), got, (f & 4) != 0));
                }
            }
        }
        assertEquals(0x110000, checked);
    }

    @Test
    void encode_100KilobytesOfMixedText_takesWellUnderASecond() throws Exception {
        Tokenizer t = Tokenizer.from(Gguf.open(sourceTree().resolve("models/ggml-vocab-qwen2.gguf")).metadata());
        StringBuilder sb = new StringBuilder();
        List<String> corpus = TokenizerLlamaServer.corpus();
        for (int i = 0; sb.length() < 100_000; i++) sb.append(corpus.get(i % corpus.size())).append(" ").append(i).append('\n');
        String text = sb.toString();
        t.encode("warm up the JIT " + text.substring(0, 10_000), true, true);
        long start = System.nanoTime();
        int n = t.encode(text, true, true).length;
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.err.println("TokenizerTest: encoded " + text.length() + " chars into " + n + " tokens in " + millis + " ms");
        assertTrue(millis < 1000, "encoding 100 KB took " + millis + " ms");
    }

    private static Path sourceTree() throws Exception {
        try {
            return TokenizerLlamaServer.sourceTree();
        } catch (TokenizerLlamaServer.Skip e) {
            System.err.println("\n*** SKIPPING: llama-server.sh exited 3 (missing need): " + e.getMessage() + "\n");
            assumeTrue(false, e.getMessage());
            throw e;
        }
    }
}
