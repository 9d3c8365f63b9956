// One tensor of a GGUF file: name, element type, shape (ggml order: dims[0] is the row length)
// and its bytes, memory-mapped read-only. A tensor over 2 GiB is mapped as several buffers, each
// holding whole rows, so a row never straddles two buffers. Nothing here copies or dequantises.
package hearth.engine;

import java.nio.ByteBuffer;

final class Tensor {
    final String name;
    final GgmlType type;
    final long[] dims;
    final int rowBytes;
    private final ByteBuffer[] segments;
    private final int rowsPerSegment;

    Tensor(String name, GgmlType type, long[] dims, ByteBuffer[] segments, int rowsPerSegment) {
        this.name = name;
        this.type = type;
        this.dims = dims;
        this.rowBytes = (int) type.bytes(dims[0]);
        this.segments = segments;
        this.rowsPerSegment = rowsPerSegment;
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
