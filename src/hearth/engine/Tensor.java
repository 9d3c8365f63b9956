// One tensor of a GGUF file: name, element type, shape (ggml order: dims[0] is the row length)
// and its bytes, memory-mapped read-only. A tensor over 2 GiB is mapped as several buffers, each
// holding whole rows, so a row never straddles two buffers. A Q4_K tensor may instead be read
// once into memory off the heap with its rows eight at a time side by side (groupRows), as
// llama.cpp repacks Q4_K on x86; its mapped pages are then never touched, so it is resident once.
package hearth.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

final class Tensor {
    final String name;
    final GgmlType type;
    final long[] dims;
    final int rowBytes;
    static final int GROUP = 8;           // rows a group lays side by side
    final long fileOffset;                // where its bytes start in the model file; -1 when not from a file
    private final ByteBuffer[] segments;
    private final int rowsPerSegment;
    private ByteBuffer groups;            // the rows as groupRows lays them out (direct, off the heap), or null

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

    /** Whether groupRows could lay this tensor out: Q4_K rows in eights, under 2 GiB. */
    boolean groupable() {
        return type == GgmlType.Q4_K && rows() % GROUP == 0 && (long) rowBytes * rows() < Integer.MAX_VALUE - 64;
    }

    boolean grouped() {
        return groups != null;
    }

    /**
     * Reads this Q4_K tensor from the file (not through its mapping, whose pages then stay out of
     * memory) into the heap, each eight rows side by side: per group and super-block, the eight
     * rows' 16 header bytes (d, dmin, scales) one after another, then for each 4 of the 128 quant
     * bytes, the eight rows' 4 bytes. VectorKernels.dotGroups then meets eight rows with one load.
     */
    void groupRows(FileChannel file) throws IOException {
        int groupBytes = GROUP * rowBytes;
        ByteBuffer all = ByteBuffer.allocateDirect((int) (rows() * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer in = ByteBuffer.allocate(groupBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int g = 0; g < rows() / GROUP; g++) {
            in.clear();
            long at = fileOffset + (long) g * groupBytes;
            while (in.hasRemaining()) {
                if (file.read(in, at + in.position()) < 0) throw new EngineException("model file ended inside tensor " + name);
            }
            for (int r = 0; r < GROUP; r++) {
                for (int blk = 0; blk < rowBytes / 144; blk++) {
                    int from = r * rowBytes + blk * 144;
                    int to = g * groupBytes + blk * 144 * GROUP;
                    all.put(to + 16 * r, in, from, 16);
                    for (int j = 0; j < 32; j++) all.putInt(to + 128 + 32 * j + 4 * r, in.getInt(from + 16 + 4 * j));
                }
            }
        }
        groups = all;
    }

    /** Copies rows r .. r+count-1 into dst at {@code at}, each as the file lays it out. */
    void copyRows(long r, int count, byte[] dst, int at) {
        if (groups == null) {
            buffer(r).get(offset(r), dst, at, count * rowBytes);
            return;
        }
        for (int i = 0; i < count; i++) {
            long row = r + i;
            int rr = (int) (row % GROUP);
            for (int blk = 0; blk < rowBytes / 144; blk++) {
                int from = (int) (row / GROUP) * GROUP * rowBytes + blk * 144 * GROUP;
                int to = at + i * rowBytes + blk * 144;
                groups.get(from + 16 * rr, dst, to, 16);
                for (int j = 0; j < 32; j++) Kernels.putInt(dst, to + 16 + 4 * j, groups.getInt(from + 128 + 32 * j + 4 * rr));
            }
        }
    }

    /** Copies groups g .. g+count-1 of a grouped tensor into dst at {@code at}, as groupRows laid them out. */
    void copyGroups(int g, int count, byte[] dst, int at) {
        groups.get(g * GROUP * rowBytes, dst, at, count * GROUP * rowBytes);
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
