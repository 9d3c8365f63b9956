package hearth.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

// Byte-level BPE (tokenizer.ggml.model = gpt2) as llama.cpp's llm_tokenizer_bpe_session: split the
// text into words (TokenizerSplit), map each word's UTF-8 bytes to GPT-2's printable characters,
// then apply merges lowest rank first. Knows nothing of special tokens or BOS/EOS (Tokenizer does).
final class TokenizerBpe {

    // Words seen again skip the merge loop; ~130 bytes each. A few: a cold 14k-token encode takes
    // 80 ms (15 ms with this cache), so it saves little, where 10k words could keep 1.3 MB resident.
    private static final int MAX_CACHED_WORDS = 1024;
    private static final char[] BYTE_TO_CHAR = new char[256];  // unicode_byte_to_utf8_map
    private static final int[] CHAR_TO_BYTE = new int[512];    // its inverse; -1 for other chars

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final Vocab vocab;
    // tokenizer.ggml.merges → rank, kept by the token each merge makes: the two halves of a merge
    // lie side by side in the word, so their text together is that token's. leftLengths[t] holds
    // the length of the left half of the first merge that makes token t (0: none), ranks[t] that
    // merge's rank. Where merge i makes token firstMade + i for every i (Qwen2's vocabulary, as
    // GPT-2's), the rank is the token's id less firstMade and ranks is null: 0.15 MiB for Qwen2's
    // 152k tokens (a table keyed by the halves' ids took 2 MiB, "left right" Strings in a HashMap
    // ~17 MiB). Merges that make a token another way follow, grouped by token: token t's are
    // extraLeft and extraRank [extraStart[t], extraStart[t + 1]). Llama 3's vocabulary has 152k of
    // them (280k merges, 128k tokens): 1.3 MB here, 15 MB as "left right" Strings in a HashMap. A
    // merge that makes no token, or whose left half is over 255 characters, keeps its "left right"
    // text in textRanks.
    private final byte[] leftLengths;
    private final int[] ranks;
    private final int firstMade;
    private final int[] extraStart;              // null when every token is made one way only
    private final byte[] extraLeft;
    private final int[] extraRank;
    private final Map<String, Integer> textRanks = new HashMap<>();
    private final TokenizerSplit.Kind split;
    private final boolean ignoreMerges;          // a word that is itself a token skips merging (llama3)
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    TokenizerBpe(Vocab vocab, List<Object> merges, TokenizerSplit.Kind split, boolean ignoreMerges) {
        this.vocab = vocab;
        this.split = split;
        this.ignoreMerges = ignoreMerges;
        int count = merges.size();
        int[] made = new int[count], spaces = new int[count];   // the token each merge makes, its left half's length
        for (int i = 0; i < count; i++) {
            String merge = (String) merges.get(i);
            int space = merge.indexOf(' ', 1);  // llama.cpp: word.find(' ', 1); a merge without one is ("", "")
            spaces[i] = space;
            made[i] = space < 0 ? -1 : vocab.id(merge.substring(0, space) + merge.substring(space + 1));
        }
        boolean ordered = count > 0 && made[0] >= 0;
        for (int i = 1; i < count && ordered; i++) ordered = made[i] == made[0] + i;
        this.firstMade = ordered ? made[0] : 0;
        this.leftLengths = new byte[vocab.size()];
        this.ranks = ordered ? null : new int[vocab.size()];
        long[] extras = new long[count];         // token << 40 | left half's length << 32 | rank
        int extraCount = 0;
        for (int i = 0; i < count; i++) {
            int t = made[i], space = spaces[i];
            if (space < 0) {
                textRanks.putIfAbsent(" ", i);
            } else if (t < 0 || space > 255) {
                textRanks.putIfAbsent((String) merges.get(i), i);
            } else if (leftLengths[t] == 0) {
                leftLengths[t] = (byte) space;
                if (ranks != null) ranks[t] = i;
            } else if ((leftLengths[t] & 0xff) != space) {
                extras[extraCount++] = (long) t << 40 | (long) space << 32 | i;
            }   // else the same halves again: bpe_ranks.emplace keeps the first
        }
        Arrays.sort(extras, 0, extraCount);      // by token, then left half, then rank
        int kept = 0;
        for (int e = 0; e < extraCount; e++) {
            if (kept == 0 || extras[kept - 1] >>> 32 != extras[e] >>> 32) extras[kept++] = extras[e];   // same halves: first rank only
        }
        this.extraStart = kept == 0 ? null : new int[vocab.size() + 1];
        this.extraLeft = new byte[kept];
        this.extraRank = new int[kept];
        for (int e = 0; e < kept; e++) {
            extraStart[(int) (extras[e] >>> 40) + 1]++;
            extraLeft[e] = (byte) (extras[e] >>> 32);
            extraRank[e] = (int) extras[e];
        }
        if (extraStart != null) for (int t = 0; t < vocab.size(); t++) extraStart[t + 1] += extraStart[t];
    }

    // The rank of the merge that makes token `made` from a left half leftLength long, or -1.
    private int rank(int made, int leftLength) {
        if ((leftLengths[made] & 0xff) == leftLength) return ranks != null ? ranks[made] : made - firstMade;
        if (extraStart != null) {
            for (int e = extraStart[made]; e < extraStart[made + 1]; e++) if ((extraLeft[e] & 0xff) == leftLength) return extraRank[e];
        }
        return -1;
    }

    void encode(String text, Tokenizer.Ids out) {
        for (String word : TokenizerSplit.split(split, text)) {
            int[] tokens = cache.get(word);
            if (tokens == null) {
                tokens = merge(byteEncode(word));
                if (cache.size() >= MAX_CACHED_WORDS) cache.clear();
                cache.put(word, tokens);
            }
            for (int t : tokens) out.add(t);
        }
    }

    // The merge loop of llm_tokenizer_bpe_session::tokenize for one word.
    private int[] merge(String word) {
        int n = word.length();  // one symbol per char: every byte-level char is in the BMP
        int[] start = new int[n], length = new int[n], prev = new int[n], next = new int[n];
        int count;
        if (ignoreMerges && vocab.id(word) >= 0) {
            count = 1;
            length[0] = n;
            prev[0] = -1;
            next[0] = -1;
        } else {
            count = n;
            for (int i = 0; i < n; i++) {
                start[i] = i;
                length[i] = 1;
                prev[i] = i - 1;
                next[i] = i + 1 == n ? -1 : i + 1;
            }
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>();
        for (int i = 1; i < count; i++) addBigram(queue, word, start, length, i - 1, i);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (length[b.left] == 0 || length[b.right] == 0) continue;
            String left = word.substring(start[b.left], start[b.left] + length[b.left]);
            String right = word.substring(start[b.right], start[b.right] + length[b.right]);
            if (!(left + right).equals(b.text)) continue;  // outdated
            length[b.left] += length[b.right];
            length[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) prev[next[b.right]] = b.left;
            addBigram(queue, word, start, length, prev[b.left], b.left);
            addBigram(queue, word, start, length, b.left, next[b.left]);
        }
        Tokenizer.Ids out = new Tokenizer.Ids();
        for (int i = 0; i < count && i != -1; i = next[i]) {
            if (length[i] == 0) continue;
            int id = vocab.id(word, start[i], start[i] + length[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (int j = start[i]; j < start[i] + length[i]; j++) {  // llama.cpp looks up each UTF-8 byte
                int single = word.charAt(j) < 0x80 ? vocab.id(word, j, j + 1) : -1;   // alone: only ASCII can be a token
                if (single >= 0) out.add(single);
            }
        }
        return out.toArray();
    }

    private void addBigram(PriorityQueue<Bigram> queue, String word, int[] start, int[] length, int left, int right) {
        if (left == -1 || right == -1) return;
        int rank = rank(word, start[left], start[left] + length[left], start[right], start[right] + length[right]);
        if (rank >= 0) queue.add(new Bigram(left, right, rank, word.substring(start[left], start[left] + length[left] + length[right])));
    }

    // The rank of merging word[leftFrom, leftTo) with word[rightFrom, rightTo), or -1.
    private int rank(String word, int leftFrom, int leftTo, int rightFrom, int rightTo) {
        int made = vocab.id(word, leftFrom, rightTo);     // the halves are neighbours: leftTo == rightFrom
        int rank = made < 0 ? -1 : rank(made, leftTo - leftFrom);
        if (rank >= 0 || textRanks.isEmpty()) return rank;
        Integer other = textRanks.get(word.substring(leftFrom, leftTo) + " " + word.substring(rightFrom, rightTo));
        return other == null ? -1 : other;
    }

    static String byteEncode(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        return new String(chars);
    }

    // llama_decode_text: a normal token's text back to bytes. A character outside GPT-2's byte
    // alphabet comes out as llama.cpp writes it, "[UNK_BYTE_0x..<token>]".
    static byte[] byteDecode(String tokenText) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(tokenText.length());
        tokenText.codePoints().forEach(cp -> {
            int b = cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
            if (b >= 0) {
                out.write(b);
                return;
            }
            StringBuilder unknown = new StringBuilder("[UNK_BYTE_0x");
            for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                unknown.append(String.format("%02x", u & 0xff));
            }
            byte[] text = unknown.append(tokenText).append(']').toString().getBytes(StandardCharsets.UTF_8);
            out.write(text, 0, text.length);
        });
        return out.toByteArray();
    }

    // llm_bigram_bpe: the lowest rank merges first, then the leftmost.
    private static final class Bigram implements Comparable<Bigram> {
        final int left, right, rank;
        final String text;

        Bigram(int left, int right, int rank, String text) {
            this.left = left;
            this.right = right;
            this.rank = rank;
            this.text = text;
        }

        @Override
        public int compareTo(Bigram o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Integer.compare(left, o.left);
        }
    }
}
