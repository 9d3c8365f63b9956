// A vocabulary's token texts packed end to end in one array, with an open-addressing index from
// text to id. Qwen2's 152k tokens cost 1.7 MiB here (texts 0.9, lengths 0.15, index 0.6); as
// Strings in a HashMap<String, Integer> they cost ~20 MiB, resident for as long as the model is
// loaded. A vocabulary of at most 256 distinct characters (byte-level BPE: GPT-2's 256, its
// specials among them) keeps a byte a character, its place in the alphabet: 1 MiB less for
// Qwen2's. Lookups take a range of any CharSequence, so the tokenizers look up a piece of a word
// without cutting it out first.
package hearth.engine;

import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

final class Vocab {
    private final char[] chars;   // the texts end to end; null when codes holds them
    private final byte[] codes;   // or each character as its place in alphabet
    private final char[] alphabet;
    private final byte[] lengths; // lengths[i]: text i's length, or 255 when it is 255 or more: in longLengths then
    private final Map<Integer, Integer> longLengths = new HashMap<>();   // none in Qwen2's or Llama 3's (at most 128)
    private final int[] starts;   // starts[i / STRIDE]: where text i - i % STRIDE starts; the rest add lengths
    private final byte[] index;   // slot s → id + 1 in bytes 3s..3s+2, 0 when empty; linear probing, at most 3/4 full
    private final int slots;
    private static final int STRIDE = 16;

    /** texts: the tokenizer.ggml.tokens strings; an empty one becomes "[EMPTY_<id>]", as in llama_vocab::load. */
    Vocab(List<Object> texts) {
        int n = texts.size();
        lengths = new byte[n];
        starts = new int[(n + STRIDE - 1) / STRIDE];
        char[] all = new char[8 * n];   // most vocabularies average under 8 chars a token
        int end = 0;
        for (int i = 0; i < n; i++) {
            String text = (String) texts.get(i);
            if (text.isEmpty()) text = "[EMPTY_" + i + "]";
            if (i % STRIDE == 0) starts[i / STRIDE] = end;
            if (end + text.length() > all.length) all = Arrays.copyOf(all, Math.max(end + text.length(), 2 * all.length));
            text.getChars(0, text.length(), all, end);
            end += text.length();
            lengths[i] = (byte) Math.min(text.length(), 255);
            if (text.length() >= 255) longLengths.put(i, text.length());
        }
        short[] place = new short[Character.MAX_VALUE + 1];   // a character's place in the alphabet + 1
        char[] letters = new char[256];
        int distinct = 0;
        boolean fits = true;
        for (int i = 0; i < end && fits; i++) {
            if (place[all[i]] != 0) continue;
            fits = distinct < 256;
            if (fits) {
                letters[distinct++] = all[i];
                place[all[i]] = (short) distinct;
            }
        }
        if (fits) {
            codes = new byte[end];
            for (int i = 0; i < end; i++) codes[i] = (byte) (place[all[i]] - 1);
            alphabet = Arrays.copyOf(letters, distinct);
            chars = null;
        } else {
            chars = Arrays.copyOf(all, end);
            codes = null;
            alphabet = null;
        }
        if (n >= 1 << 24) {
            throw new EngineException("the vocabulary has " + n + " tokens, more than the 16777215 hearth indexes;"
                    + " use llama-server for this model");
        }
        slots = n + n / 3 + 1;
        index = new byte[3 * slots];
        CharBuffer view = CharBuffer.wrap(all, 0, end);
        for (int i = 0; i < n; i++) put(i, view);
    }

    int size() {
        return lengths.length;
    }

    String text(int id) {
        int start = start(id);
        if (chars != null) return new String(chars, start, length(id));
        char[] text = new char[length(id)];
        for (int i = 0; i < text.length; i++) text[i] = at(start + i);
        return new String(text);
    }

    int length(int id) {
        int length = lengths[id] & 0xff;
        return length < 255 ? length : longLengths.get(id);
    }

    /** The id of text, or -1. A text the vocabulary holds twice maps to its last id, as llama.cpp's token_to_id. */
    int id(CharSequence text) {
        return id(text, 0, text.length());
    }

    /** The id of text.subSequence(from, to) without making it, or -1. */
    int id(CharSequence text, int from, int to) {
        for (int slot = slot(hash(text, from, to)); ; slot = next(slot)) {
            int id = entry(slot) - 1;
            if (id < 0 || equals(id, text, from, to)) return id;
        }
    }

    private void put(int id, CharSequence all) {
        int from = start(id), to = from + length(id);
        for (int slot = slot(hash(all, from, to)); ; slot = next(slot)) {
            int other = entry(slot) - 1;
            if (other < 0 || equals(other, all, from, to)) {
                entry(slot, id + 1);   // a repeated text takes the later id
                return;
            }
        }
    }

    /** The slot a hash starts at: its place in [0, 2^32) scaled to the number of slots (no power of two needed). */
    private int slot(int hash) {
        return (int) ((hash & 0xffffffffL) * slots >>> 32);
    }

    private int next(int slot) {
        return slot + 1 == slots ? 0 : slot + 1;
    }

    private int entry(int slot) {
        int at = 3 * slot;
        return (index[at] & 0xff) | (index[at + 1] & 0xff) << 8 | (index[at + 2] & 0xff) << 16;
    }

    private void entry(int slot, int value) {
        int at = 3 * slot;
        index[at] = (byte) value;
        index[at + 1] = (byte) (value >>> 8);
        index[at + 2] = (byte) (value >>> 16);
    }

    private int start(int id) {
        int start = starts[id / STRIDE];
        for (int i = id - id % STRIDE; i < id; i++) start += length(i);
        return start;
    }

    private boolean equals(int id, CharSequence text, int from, int to) {
        if (length(id) != to - from) return false;
        int start = start(id);
        for (int i = from; i < to; i++) if (at(start + i - from) != text.charAt(i)) return false;
        return true;
    }

    private char at(int i) {
        return chars != null ? chars[i] : alphabet[codes[i] & 0xff];
    }

    private static int hash(CharSequence text, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + text.charAt(i);
        return h * 0x9e3779b9;   // the high bits pick the slot: this multiply carries every bit into them
    }
}
