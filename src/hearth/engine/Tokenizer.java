package hearth.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

// Text ↔ token ids for a GGUF model, as llama.cpp's llama_vocab does: reads the tokenizer.* metadata,
// splits out special tokens (tokenizer_st_partition), adds BOS/EOS, and hands the plain text to
// TokenizerBpe (model gpt2) or TokenizerSpm (model llama). Decoding joins each token's piece as
// llama-server does (special tokens spelled out); Decoder does it incrementally, whole characters
// only. Not supported: WPM/UGM/RWKV vocabularies and the lstrip/rstrip token attributes of phi-3.
// The texts stay resident, so they are packed arrays (Vocab), not an object per token; pieces are made when asked for.
final class Tokenizer {

    // llama_token_attr bits, set from tokenizer.ggml.token_type (llama_token_type 0..6)
    private static final int UNKNOWN = 1, UNUSED = 2, NORMAL = 4, CONTROL = 8, USER_DEFINED = 16, BYTE = 32;
    private static final int[] ATTR_OF_TYPE = {0, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE};
    private static final String SPACE_MARK = "\u2581";  // SentencePiece's visible space

    // Texts llama.cpp treats as end of generation whatever their type (llama-vocab.cpp, special_eog_ids).
    private static final List<String> EOG_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");

    private final boolean spm;            // else byte-level BPE
    private final Vocab vocab;
    // Each token's UNKNOWN..BYTE bits: those most tokens share, and the few tokens with others
    // (specials, bytes) in ascending order with theirs, rather than a byte a token (150 KB for Qwen2).
    private final byte commonAttrs;
    private final int[] oddTokens;
    private final byte[] oddAttrs;
    private final int bos, eos;           // -1 when the vocabulary has none
    private final boolean addBos, addEos, addSpacePrefix;
    private final BitSet eog = new BitSet();
    private final int[] specials;         // control, user-defined and unknown tokens, longest text first
    private final String[] specialTexts;  // their texts, in the same order
    private final TokenizerBpe bpe;
    private final TokenizerSpm spmModel;

    private Tokenizer(Map<String, Object> md) {
        String model = string(md, "tokenizer.ggml.model", null);
        if (!"gpt2".equals(model) && !"llama".equals(model)) {
            throw new EngineException("tokenizer.ggml.model is '" + model + "'; hearth supports 'gpt2' (byte-level BPE) "
                    + "and 'llama' (SentencePiece). Use llama-server for this model");
        }
        spm = model.equals("llama");
        String pre = string(md, "tokenizer.ggml.pre", "default");
        vocab = new Vocab(list(md, "tokenizer.ggml.tokens"));
        int n = vocab.size();
        byte[] attrs = new byte[n];
        List<Object> types = md.containsKey("tokenizer.ggml.token_type") ? list(md, "tokenizer.ggml.token_type") : null;
        for (int i = 0; i < n; i++) {
            int type = types == null ? 1 : ((Long) types.get(i)).intValue();
            attrs[i] = (byte) (type >= 0 && type < ATTR_OF_TYPE.length ? ATTR_OF_TYPE[type] : 0);
        }
        boolean bosDefault;
        if (spm) {
            float[] scores = new float[n];
            if (md.containsKey("tokenizer.ggml.scores")) {
                List<Object> s = list(md, "tokenizer.ggml.scores");
                for (int i = 0; i < n; i++) scores[i] = ((Number) s.get(i)).floatValue();
            }
            spmModel = new TokenizerSpm(vocab, scores);
            bpe = null;
            bosDefault = true;
        } else {
            TokenizerSplit.Kind kind = TokenizerSplit.kind(pre);
            if (kind == null) {
                throw new EngineException("tokenizer.ggml.pre is '" + pre + "'; hearth's BPE pre-tokenizers are llama-bpe "
                        + "(llama3), qwen2, gpt-2, smollm, starcoder and default. Use llama-server for this model");
            }
            boolean llama3 = List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral").contains(pre);
            bpe = new TokenizerBpe(vocab, list(md, "tokenizer.ggml.merges"), kind, llama3);
            spmModel = null;
            bosDefault = llama3;
        }
        addSpacePrefix = bool(md, "tokenizer.ggml.add_space_prefix", spm);
        addBos = bool(md, "tokenizer.ggml.add_bos_token", bosDefault);
        addEos = bool(md, "tokenizer.ggml.add_eos_token", false);
        bos = id(md, "tokenizer.ggml.bos_token_id", spm ? 1 : 11);
        eos = id(md, "tokenizer.ggml.eos_token_id", spm ? 2 : 11);
        findEog(md, attrs);
        int[] counts = new int[256];
        for (byte a : attrs) counts[a & 0xff]++;
        int common = 0;
        for (int a = 1; a < counts.length; a++) if (counts[a] > counts[common]) common = a;
        commonAttrs = (byte) common;
        oddTokens = new int[n - counts[common]];
        oddAttrs = new byte[oddTokens.length];
        for (int i = 0, k = 0; i < n; i++) {
            if (attrs[i] == commonAttrs) continue;
            oddTokens[k] = i;
            oddAttrs[k++] = attrs[i];
        }
        specials = specialTokens();
        specialTexts = new String[specials.length];
        for (int i = 0; i < specials.length; i++) specialTexts[i] = vocab.text(specials[i]);
    }

    static Tokenizer from(Map<String, Object> metadata) {
        return new Tokenizer(metadata);
    }

    // llama_tokenize(text, add_special, parse_special). With parseSpecial, control tokens written in
    // the text ("<|im_start|>") become their ids; user-defined tokens always do.
    int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Ids out = new Ids();
        List<Object> fragments = partition(text, parseSpecial);
        if (addSpecial && addBos) out.add(requireId(bos, "BOS"));
        boolean prevSpecial = true;  // SentencePiece: a leading space before the text and after each special token
        for (Object fragment : fragments) {
            if (fragment instanceof Integer) {
                out.add((Integer) fragment);
                prevSpecial = true;
            } else if (spm) {
                String raw = (addSpacePrefix && prevSpecial ? " " : "") + fragment;
                spmModel.encode(raw.replace(" ", SPACE_MARK), out);
                prevSpecial = false;
            } else {
                bpe.encode((String) fragment, out);
            }
        }
        if (addSpecial && addEos) out.add(requireId(eos, "EOS"));
        return out.toArray();
    }

    // Every token's piece joined, special tokens included: what llama-server's /detokenize answers.
    // Bytes that do not form UTF-8 become U+FFFD; use Decoder to stream without breaking characters.
    String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tokens) out.writeBytes(piece(t, true));
        return out.toString(StandardCharsets.UTF_8);
    }

    // The bytes of one token: token_to_piece(id, special). Without special, control tokens are empty.
    byte[] piece(int token, boolean special) {
        checkId(token);
        return !special && (attrs(token) & (CONTROL | UNKNOWN)) != 0 ? new byte[0] : piece(token);
    }

    private void checkId(int token) {
        if (token < 0 || token >= vocab.size()) {
            throw new EngineException("token id " + token + " is outside the vocabulary of " + vocab.size() + " tokens");
        }
    }

    Decoder decoder() {
        return new Decoder(this);
    }

    int size() {
        return vocab.size();
    }

    int bos() {
        return bos;
    }

    int eos() {
        return eos;
    }

    boolean addsBos() {
        return addBos;
    }

    // End of generation: EOS, and the end-of-turn tokens llama.cpp adds to its EOG set.
    boolean isEog(int token) {
        return eog.get(token);
    }

    String text(int token) {
        return vocab.text(token);
    }

    // tokenizer_st_partition: Strings are text still to tokenize, Integers are special token ids.
    private List<Object> partition(String text, boolean parseSpecial) {
        List<Object> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(text);
        for (int s = 0; s < specials.length; s++) {
            int special = specials[s];
            if (!parseSpecial && (attrs(special) & (CONTROL | UNKNOWN)) != 0) continue;
            String needle = specialTexts[s];
            List<Object> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Object fragment = fragments.get(f);
                int at = fragment instanceof String ? ((String) fragment).indexOf(needle) : -1;
                if (at < 0) {
                    if (next != null) next.add(fragment);
                    continue;
                }
                if (next == null) next = new ArrayList<>(fragments.subList(0, f));
                String raw = (String) fragment;
                int from = 0;
                for (; at >= 0; at = raw.indexOf(needle, from)) {
                    if (at > from) next.add(raw.substring(from, at));
                    next.add(special);
                    from = at + needle.length();
                }
                if (from < raw.length()) next.add(raw.substring(from));
            }
            if (next != null) fragments = next;
        }
        return fragments;
    }

    private void findEog(Map<String, Object> md, byte[] attrs) {
        int eot = id(md, "tokenizer.ggml.eot_token_id", -1);
        int eom = id(md, "tokenizer.ggml.eom_token_id", -1);
        int fimPad = id(md, "tokenizer.ggml.fim_pad_token_id", -1);
        int fimRep = id(md, "tokenizer.ggml.fim_rep_token_id", -1);
        int fimSep = id(md, "tokenizer.ggml.fim_sep_token_id", -1);
        // llama.cpp fills missing ids from the first token text it meets in a hash map; the lists
        // rarely match twice in one vocabulary, so the lowest id stands in for "first".
        for (int i = 0; i < vocab.size(); i++) {
            String t = vocab.text(i);
            if (eot < 0 && EOT_TEXTS.contains(t)) eot = markControl(attrs, i);
            if (eom < 0 && t.equals("<|eom_id|>")) eom = markControl(attrs, i);
            if (fimPad < 0 && FIM_PAD_TEXTS.contains(t)) fimPad = markControl(attrs, i);
            if (fimRep < 0 && FIM_REP_TEXTS.contains(t)) fimRep = markControl(attrs, i);
            if (fimSep < 0 && FIM_SEP_TEXTS.contains(t)) fimSep = markControl(attrs, i);
        }
        for (int id : new int[] {fimPad, fimRep, fimSep, eos, eot, eom}) if (id >= 0) eog.set(id);
        for (int i = 0; i < vocab.size(); i++) {
            String t = vocab.text(i);
            if (EOG_TEXTS.contains(t)) eog.set(markControl(attrs, i));
            if (List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>").contains(t)) {
                attrs[i] = (byte) USER_DEFINED;  // llama.cpp's gpt-oss rule: always rendered
            }
        }
    }

    private static int markControl(byte[] attrs, int token) {
        attrs[token] |= (byte) CONTROL;
        return token;
    }

    private int[] specialTokens() {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < vocab.size(); i++) {
            if ((attrs(i) & (CONTROL | USER_DEFINED | UNKNOWN)) != 0) list.add(i);
        }
        list.sort(Comparator.comparingInt((Integer i) -> vocab.length(i)).reversed());
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    // token_to_piece with special = true: special tokens as written, SentencePiece's U+2581 as a
    // space, <0xXX> as its byte, byte-level BPE characters back to bytes; unused tokens are empty.
    private byte[] piece(int token) {
        int attr = attrs(token);
        String text = vocab.text(token);
        if ((attr & (CONTROL | UNKNOWN | USER_DEFINED)) != 0) return text.getBytes(StandardCharsets.UTF_8);
        if ((attr & NORMAL) != 0) {
            return spm ? text.replace(SPACE_MARK, " ").getBytes(StandardCharsets.UTF_8) : TokenizerBpe.byteDecode(text);
        }
        if ((attr & BYTE) != 0) return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
        return new byte[0];
    }

    private int attrs(int token) {
        int at = Arrays.binarySearch(oddTokens, token);
        return at >= 0 ? oddAttrs[at] : commonAttrs;
    }

    private static int requireId(int id, String what) {
        if (id < 0) throw new EngineException("the model asks for a " + what + " token but its vocabulary has none");
        return id;
    }

    private int id(Map<String, Object> md, String key, int fallback) {
        if (fallback >= vocab.size()) fallback = -1;
        Object v = md.get(key);
        if (!(v instanceof Long)) return fallback;
        long id = (Long) v;
        return id >= 0 && id < vocab.size() ? (int) id : fallback;  // llama.cpp keeps the default for a bad id
    }

    private static String string(Map<String, Object> md, String key, String fallback) {
        Object v = md.get(key);
        return v instanceof String ? (String) v : fallback;
    }

    private static boolean bool(Map<String, Object> md, String key, boolean fallback) {
        Object v = md.get(key);
        return v instanceof Boolean ? (Boolean) v : fallback;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> md, String key) {
        Object v = md.get(key);
        if (!(v instanceof List)) throw new EngineException("model metadata lacks the array " + key + "; the GGUF has no usable tokenizer");
        return (List<Object>) v;
    }

    // A growable int array: token lists are long and boxing each id would triple their size.
    static final class Ids {
        private int[] a = new int[16];
        private int n;

        void add(int id) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = id;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    // Streams text from token ids one at a time, holding back the bytes of a character that the
    // next token completes, so a multi-byte character split across tokens is never garbled.
    static final class Decoder {
        private final Tokenizer tokenizer;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        private Decoder(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        // The text this token completes; "" while a character is still incomplete.
        String next(int token) {
            byte[] p = tokenizer.piece(token, true);
            pending.write(p, 0, p.length);
            byte[] bytes = pending.toByteArray();
            int complete = completePrefix(bytes);
            pending.reset();
            pending.write(bytes, complete, bytes.length - complete);
            return new String(bytes, 0, complete, StandardCharsets.UTF_8);
        }

        // Whatever is still held back (an incomplete character becomes U+FFFD).
        String finish() {
            String rest = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            return rest;
        }

        // Length of the longest prefix that does not end inside a UTF-8 sequence still able to complete.
        private static int completePrefix(byte[] b) {
            int n = b.length;
            for (int back = 1; back <= Math.min(3, n); back++) {
                int c = b[n - back] & 0xff;
                if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back for the lead
                int need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
                return need > back ? n - back : n;
            }
            return n;
        }
    }
}
