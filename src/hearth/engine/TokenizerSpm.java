package hearth.engine;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

// SentencePiece BPE (tokenizer.ggml.model = llama) as llama.cpp's llm_tokenizer_spm_session: start
// from single characters, repeatedly merge the adjacent pair whose joined text is the token with
// the highest score, then spell whatever is not a token as <0xXX> byte tokens. The caller has
// already turned spaces into U+2581 and added the leading space (Tokenizer does).
final class TokenizerSpm {

    private final Vocab vocab;
    private final float[] scores;

    TokenizerSpm(Vocab vocab, float[] scores) {
        this.vocab = vocab;
        this.scores = scores;
    }

    void encode(String text, Tokenizer.Ids out) {
        new Session(text).run(out);
    }

    // byte_to_token: "<0xXX>", else the byte itself as a one-character token.
    int byteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b));
        if (id < 0 && b < 0x80) id = vocab.id(String.valueOf((char) b));
        if (id < 0) {
            throw new EngineException("SentencePiece vocabulary has no byte token <0x" + String.format("%02X", b)
                    + "> for a character outside the vocabulary; the model's tokenizer is incomplete");
        }
        return id;
    }

    // One tokenize() call: the symbol chain, the work queue and rev_merge live only this long.
    private final class Session {
        final String text;
        final int[] start, length, prev, next;
        final int count;
        final PriorityQueue<Bigram> queue = new PriorityQueue<>();
        final Map<String, int[]> revMerge = new HashMap<>();

        Session(String text) {
            this.text = text;
            int[] cpts = text.codePoints().toArray();
            count = cpts.length;
            start = new int[count];
            length = new int[count];
            prev = new int[count];
            next = new int[count];
            int offset = 0;
            for (int i = 0; i < count; i++) {
                start[i] = offset;
                length[i] = Character.charCount(cpts[i]);
                offset += length[i];
                prev[i] = i - 1;
                next[i] = i + 1 == count ? -1 : i + 1;
            }
        }

        void run(Tokenizer.Ids out) {
            for (int i = 1; i < count; i++) tryAddBigram(i - 1, i);
            while (!queue.isEmpty()) {
                Bigram b = queue.poll();
                if (length[b.left] == 0 || length[b.right] == 0 || length[b.left] + length[b.right] != b.size) continue;
                length[b.left] += length[b.right];
                length[b.right] = 0;
                next[b.left] = next[b.right];
                if (next[b.right] >= 0) prev[next[b.right]] = b.left;
                tryAddBigram(prev[b.left], b.left);
                tryAddBigram(b.left, next[b.left]);
            }
            for (int i = count == 0 ? -1 : 0; i != -1; i = next[i]) resegment(i, out);
        }

        private void resegment(int symbol, Tokenizer.Ids out) {
            String piece = text.substring(start[symbol], start[symbol] + length[symbol]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
                return;
            }
            int[] pair = revMerge.get(piece);
            if (pair == null) {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) out.add(byteToken(b & 0xff));
                return;
            }
            resegment(pair[0], out);
            resegment(pair[1], out);
        }

        private void tryAddBigram(int left, int right) {
            if (left == -1 || right == -1) return;
            int id = vocab.id(text, start[left], start[left] + length[left] + length[right]);
            if (id < 0) return;
            queue.add(new Bigram(left, right, scores[id], length[left] + length[right]));
            revMerge.put(text.substring(start[left], start[left] + length[left] + length[right]), new int[] {left, right});
        }
    }

    // llm_bigram_spm: the highest score merges first, then the leftmost.
    private static final class Bigram implements Comparable<Bigram> {
        final int left, right, size;
        final float score;

        Bigram(int left, int right, float score, int size) {
            this.left = left;
            this.right = right;
            this.score = score;
            this.size = size;
        }

        @Override
        public int compareTo(Bigram o) {
            return score != o.score ? Float.compare(o.score, score) : Integer.compare(left, o.left);
        }
    }
}
