// Test helper: writes small GGUF files (version 2 or 3) from plain JDK values, so the reader and
// the transformer can be tested on files whose every byte the test chose.
package hearth.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class GgufWriter {
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Object[]> tensors = new ArrayList<>();
    private int version = 3;

    GgufWriter version(int v) {
        version = v;
        return this;
    }

    /** Long → int64 (type 11), Integer → int32, Double → float64, Float → float32, List → array. */
    GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    GgufWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        tensors.add(new Object[] {name, type, dims, data});
        return this;
    }

    /** A tensor of zeros that write() never writes: the file is sparse, so a test can place data past 2 GiB on neither disk nor heap. */
    GgufWriter zeros(String name, GgmlType type, long... dims) {
        return tensor(name, type, dims, null);
    }

    GgufWriter f32(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return tensor(name, GgmlType.F32, dims, b.array());
    }

    GgufWriter f16(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort(Float16.fromFloat(v));
        return tensor(name, GgmlType.F16, dims, b.array());
    }

    byte[] bytes() {
        Out out = header();
        for (Object[] t : tensors) {
            if (t[3] == null) throw new IllegalStateException("a zeros() tensor is written only by write(), as a sparse file");
            out.raw((byte[]) t[3]);
            out.pad();
        }
        return out.bytes.toByteArray();
    }

    Path write(Path file) throws IOException {
        byte[] header = header().bytes.toByteArray();
        try (var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(header));
            long at = header.length;
            for (Object[] t : tensors) {
                if (t[3] != null) channel.write(ByteBuffer.wrap((byte[]) t[3]), at);
                at += padded(length(t));
            }
            if (channel.size() < at) channel.write(ByteBuffer.allocate(1), at - 1);   // the length, with a hole where zeros() were
        }
        return file;
    }

    private static long length(Object[] t) {
        if (t[3] != null) return ((byte[]) t[3]).length;
        long[] dims = (long[]) t[2];
        long rows = 1;
        for (int d = 1; d < dims.length; d++) rows *= dims[d];
        return ((GgmlType) t[1]).bytes(dims[0]) * rows;
    }

    private static long padded(long n) {
        return (n + 31) / 32 * 32;
    }

    // magic, version, metadata and the tensor index, padded to where the data begins
    private Out header() {
        Out out = new Out();
        out.i32(0x46554747);
        out.i32(version);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.i32(typeOf(e.getValue()));
            value(out, e.getValue());
        }
        long offset = 0;
        for (Object[] t : tensors) {
            long[] dims = (long[]) t[2];
            out.string((String) t[0]);
            out.i32(dims.length);
            for (long d : dims) out.i64(d);
            out.i32(((GgmlType) t[1]).id);
            out.i64(offset);
            offset += padded(length(t));
        }
        out.pad();
        return out;
    }

    private static int typeOf(Object v) {
        if (v instanceof Byte) return 1;
        if (v instanceof Integer) return 5;
        if (v instanceof Long) return 11;
        if (v instanceof Float) return 6;
        if (v instanceof Double) return 12;
        if (v instanceof Boolean) return 7;
        if (v instanceof String) return 8;
        if (v instanceof List) return 9;
        throw new IllegalArgumentException("no GGUF type for " + v);
    }

    private static void value(Out out, Object v) {
        if (v instanceof Byte) out.bytes.write((Byte) v);
        else if (v instanceof Integer) out.i32((Integer) v);
        else if (v instanceof Long) out.i64((Long) v);
        else if (v instanceof Float) out.i32(Float.floatToRawIntBits((Float) v));
        else if (v instanceof Double) out.i64(Double.doubleToRawLongBits((Double) v));
        else if (v instanceof Boolean) out.bytes.write((Boolean) v ? 1 : 0);
        else if (v instanceof String) out.string((String) v);
        else {
            List<?> list = (List<?>) v;
            out.i32(list.isEmpty() ? 8 : typeOf(list.get(0)));
            out.i64(list.size());
            for (Object o : list) value(out, o);
        }
    }

    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void i32(int v) {
            raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        void i64(long v) {
            raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            raw(b);
        }

        void raw(byte[] b) {
            bytes.write(b, 0, b.length);
        }

        void pad() {
            while (bytes.size() % 32 != 0) bytes.write(0);
        }
    }
}
