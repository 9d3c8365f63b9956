// One tensor of a GGUF file: name, element type, shape (ggml order: dims[0] is the row length)
// and its bytes, memory-mapped read-only. A tensor over 2 GiB is mapped as several buffers, each
// holding whole rows, so a row never straddles two buffers. A matrix may instead be read once into
// a byte array (hold), which the kernels then read in place, with no copy per multiplication; a
// Q4_0, Q4_K, Q5_K or Q6_K one with its rows eight at a time side by side, as llama.cpp repacks Q4_0 and Q4_K on x86.
// A held tensor's mapped pages are never touched, so it is resident once.
package hearth.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

final class Tensor {
    final String name;
    final GgmlType type;
    final long[] dims;
    final int rowBytes;
    static final int GROUP = 8;           // rows a group lays side by side
    // hold's reads: the JDK reads into a heap array through a direct buffer as large, which the
    // reading thread then keeps for good (sun.nio.ch.Util's cache); a MiB a read held 1 MiB resident
    private static final int READ_BYTES = 64 << 10;
    final long fileOffset;                // where its bytes start in the model file; -1 when not from a file
    private ByteBuffer[] segments;        // the mapped rows; dropped once held, so the mapping can go
    private final int rowsPerSegment;
    private byte[] held;                  // the array hold read the rows into (shared with other tensors), or null
    private int heldBase;                 // where row 0 starts in it
    private boolean grouped;              // and laid out in groups of eight (Layout)

    Tensor(String name, GgmlType type, long[] dims, ByteBuffer[] segments, int rowsPerSegment) {
        this(name, type, dims, segments, rowsPerSegment, -1);
    }

    Tensor(String name, GgmlType type, long[] dims, ByteBuffer[] segments, int rowsPerSegment, long fileOffset) {
        this.name = name;
        this.type = type;
        this.dims = dims;
        this.rowBytes = (int) type.bytes(dims[0]);
        this.segments = segments;
        this.rowsPerSegment = rowsPerSegment;
        this.fileOffset = fileOffset;
    }

    /** Whether hold can read this tensor into an array: it fits one (see heldBytes), and comes from a file. */
    boolean holdable() {
        return fileOffset >= 0 && heldBytes() <= MAX_ARRAY;
    }

    static final int MAX_ARRAY = Integer.MAX_VALUE - 1024;   // the longest byte[] a JVM makes, with room to spare

    /** The bytes hold takes of an array: the rows, and Kernels.ROW_PAD to spare at either end, the kernels' reach past a block. */
    long heldBytes() {
        return bytes() + 2 * Kernels.ROW_PAD;
    }

    /** Whether hold can lay it out in groups: Q4_0, Q4_K, Q5_K or Q6_K rows in eights. */
    boolean groupable() {
        return holdable() && Layout.of(type) != null && rows() % GROUP == 0;
    }

    boolean grouped() {
        return grouped;
    }

    long bytes() {
        return rows() * rowBytes;
    }

    /** The array hold read the rows into, or null: row r (group r / 8 when grouped) starts at {@link #heldAt}. */
    byte[] held() {
        return held;
    }

    int heldAt(long row) {
        return heldBase + (int) row * rowBytes;
    }

    /**
     * How hold lays out a grouped super-block of eight rows: first each row's {@code headBytes} from
     * {@code headAt} (Q4_0 and Q6_K: d, 2 bytes; Q4_K: none), row after row; then, for each 4-byte word
     * of the block in {@code words}' order, the eight rows' copies of it side by side, so one
     * 32-byte load meets all eight rows. Q6_K's words follow its kernel: the scales, then for
     * each of ggml's int lanes l and half j, the ql words of quarters 4j, 4j+2 and 4j+1, 4j+3
     * and the qh word of all four, each the four elements 4l..4l+3 of its quarters.
     */
    private record Layout(int headAt, int headBytes, int[] words) {
        static final Layout Q4_0 = new Layout(0, 2, range(2, 18));
        static final Layout Q4_K = new Layout(0, 0, range(0, 144));
        static final Layout Q5_K = new Layout(0, 0, range(0, 176));
        static final Layout Q6_K = new Layout(208, 2, q6_KWords());

        static Layout of(GgmlType type) {
            switch (type) {
                case Q4_0: return Q4_0;
                case Q4_K: return Q4_K;
                case Q5_K: return Q5_K;
                case Q6_K: return Q6_K;
                default: return null;
            }
        }

        private static int[] range(int from, int to) {
            int[] w = new int[(to - from) / 4];
            for (int i = 0; i < w.length; i++) w[i] = from + 4 * i;
            return w;
        }

        private static int[] q6_KWords() {
            int[] w = new int[52];
            int i = 0;
            for (int m = 0; m < 4; m++) w[i++] = 192 + 4 * m;
            for (int l = 0; l < 8; l++) {
                for (int j = 0; j < 2; j++) {
                    w[i++] = 64 * j + 4 * l;
                    w[i++] = 64 * j + 32 + 4 * l;
                    w[i++] = 128 + 32 * j + 4 * l;
                }
            }
            return w;
        }

        /** Where row r's copy of word k sits in its group's super-block. */
        int word(int k, int r) {
            return GROUP * headBytes + 32 * k + 4 * r;
        }
    }

    /**
     * Reads this tensor from the file (not through its mapping, whose pages then stay out of
     * memory) into {@code all} from {@code offset}, heldBytes() of it. With {@code group} (see
     * groupable) each eight rows lie side by side as Layout says: VectorKernels.dotGroups then
     * meets eight rows with one load.
     */
    void hold(FileChannel file, boolean group, byte[] all, int offset) throws IOException {
        int pad = offset + Kernels.ROW_PAD;
        if (!group) {
            for (long done = 0; done < bytes(); ) {
                ByteBuffer slice = ByteBuffer.wrap(all, pad + (int) done, (int) Math.min(READ_BYTES, bytes() - done));
                while (slice.hasRemaining()) {
                    int n = file.read(slice, fileOffset + done);
                    if (n < 0) throw new EngineException("model file ended inside tensor " + name);
                    done += n;
                }
            }
            held = all;
            heldBase = pad;
            segments = null;
            return;
        }
        Layout layout = Layout.of(type);
        int groupBytes = GROUP * rowBytes;
        int block = type.blockBytes;
        ByteBuffer in = ByteBuffer.allocate(groupBytes);
        for (int g = 0; g < rows() / GROUP; g++) {
            in.clear();
            long at = fileOffset + (long) g * groupBytes;
            while (in.hasRemaining()) {
                if (file.read(in, at + in.position()) < 0) throw new EngineException("model file ended inside tensor " + name);
            }
            byte[] from = in.array();
            for (int r = 0; r < GROUP; r++) {
                for (int blk = 0; blk < rowBytes / block; blk++) {
                    int src = r * rowBytes + blk * block;
                    int to = pad + g * groupBytes + blk * block * GROUP;
                    System.arraycopy(from, src + layout.headAt, all, to + layout.headBytes * r, layout.headBytes);
                    for (int k = 0; k < layout.words.length; k++) {
                        System.arraycopy(from, src + layout.words[k], all, to + layout.word(k, r), 4);
                    }
                }
            }
        }
        held = all;
        heldBase = pad;
        grouped = true;
        segments = null;
    }

    /** Copies rows r .. r+count-1 into dst at {@code at}, each as the file lays it out. */
    void copyRows(long r, int count, byte[] dst, int at) {
        if (held == null) {
            buffer(r).get(offset(r), dst, at, count * rowBytes);
            return;
        }
        if (!grouped) {
            System.arraycopy(held, heldAt(r), dst, at, count * rowBytes);
            return;
        }
        Layout layout = Layout.of(type);
        int block = type.blockBytes;
        for (int i = 0; i < count; i++) {
            long row = r + i;
            int rr = (int) (row % GROUP);
            for (int blk = 0; blk < rowBytes / block; blk++) {
                int from = heldAt(row / GROUP * GROUP) + blk * block * GROUP;
                int to = at + i * rowBytes + blk * block;
                System.arraycopy(held, from + layout.headBytes * rr, dst, to + layout.headAt, layout.headBytes);
                for (int k = 0; k < layout.words.length; k++) System.arraycopy(held, from + layout.word(k, rr), dst, to + layout.words[k], 4);
            }
        }
    }

    /** Row length: the number of elements in one row (ggml ne[0]). */
    int columns() {
        return (int) dims[0];
    }

    /** Number of rows: the product of every dimension after the first. */
    long rows() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) n *= dims[i];
        return n;
    }

    long elements() {
        return dims[0] * rows();
    }

    /** The buffer (little-endian, absolute indexing only) that holds row {@code row}. */
    ByteBuffer buffer(long row) {
        return segments[(int) (row / rowsPerSegment)];
    }

    /** How many rows from {@code row} on sit in the same buffer, one after another. */
    int rowsInBuffer(long row) {
        if (held != null) return (int) (rows() - row);
        return rowsPerSegment - (int) (row % rowsPerSegment);
    }

    /** The byte offset of row {@code row} inside {@link #buffer(long)}. */
    int offset(long row) {
        return (int) (row % rowsPerSegment) * rowBytes;
    }

    /** A 1-D F32 tensor (norm weights, biases) read into an array; these are small. */
    float[] toFloats() {
        int n = (int) elements();
        float[] out = new float[n];
        ByteBuffer b = buffer(0);
        switch (type) {
            case F32: for (int i = 0; i < n; i++) out[i] = b.getFloat(4 * i); break;
            case F16: for (int i = 0; i < n; i++) out[i] = Float16.toFloat(b.getShort(2 * i)); break;
            case BF16: for (int i = 0; i < n; i++) out[i] = Float16.bf16ToFloat(b.getShort(2 * i)); break;
            default: throw new EngineException("tensor " + name + ": expected F32, F16 or BF16 for a vector, found " + type);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + type + " " + java.util.Arrays.toString(dims);
    }
}
