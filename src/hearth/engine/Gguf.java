// Reads a GGUF file (versions 2 and 3, little-endian): the metadata as plain JDK values (String,
// Long for every integer type, Double for floats, Boolean, List<Object> for arrays), the tensor
// index, and each tensor's bytes memory-mapped read-only. Layout per ggml's docs/gguf.md. A
// truncated, foreign or big-endian file fails with an EngineException naming the file and offset.
package hearth.engine;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class Gguf {
    private static final int MAGIC = 0x46554747;             // "GGUF" read little-endian
    private static final int DEFAULT_ALIGNMENT = 32;         // gguf.md: general.alignment default
    private static final long MAX_ARRAY_LENGTH = 1L << 28;   // a larger count means a corrupt file

    private final Path path;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, Tensor> tensors;

    private Gguf(Path path, int version, Map<String, Object> metadata, Map<String, Tensor> tensors) {
        this.path = path;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    static Gguf open(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            return new HeaderReader(path, header, channel, size).read();
        } catch (IOException e) {
            throw new EngineException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    int version() {
        return version;
    }

    /** Every metadata key in file order; values are String, Long, Double, Boolean or List<Object>. */
    Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensors by name, in file order. */
    Map<String, Tensor> tensors() {
        return tensors;
    }

    boolean has(String key) {
        return metadata.containsKey(key);
    }

    String string(String key) {
        return (String) require(key, String.class);
    }

    String string(String key, String fallback) {
        return metadata.containsKey(key) ? string(key) : fallback;
    }

    long integer(String key) {
        return (Long) require(key, Long.class);
    }

    long integer(String key, long fallback) {
        return metadata.containsKey(key) ? integer(key) : fallback;
    }

    /** A float value; an integer value is accepted too (some converters write rope bases as ints). */
    double number(String key, double fallback) {
        Object v = metadata.get(key);
        if (v == null) return fallback;
        if (v instanceof Number) return ((Number) v).doubleValue();
        throw wrongType(key, "a number", v);
    }

    boolean bool(String key, boolean fallback) {
        return metadata.containsKey(key) ? (Boolean) require(key, Boolean.class) : fallback;
    }

    @SuppressWarnings("unchecked")
    List<Object> array(String key) {
        return (List<Object>) require(key, List.class);
    }

    /** The named tensor, or null when the file has none by that name. */
    Tensor tensor(String name) {
        return tensors.get(name);
    }

    Tensor requireTensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new EngineException("model file " + path + " has no tensor " + name + "; is it a complete model?");
        return t;
    }

    private Object require(String key, Class<?> type) {
        Object v = metadata.get(key);
        if (v == null) throw new EngineException("model file " + path + " lacks metadata key " + key);
        if (!type.isInstance(v)) throw wrongType(key, type.getSimpleName(), v);
        return v;
    }

    private EngineException wrongType(String key, String expected, Object found) {
        return new EngineException("metadata " + key + " in " + path + ": expected " + expected + ", found "
                + found.getClass().getSimpleName() + " " + found);
    }

    /** One pass over the header: magic, version, counts, key/values, tensor infos; then mapping. */
    private static final class HeaderReader {
        private final Path path;
        private final ByteBuffer in;
        private final FileChannel channel;
        private final long size;

        HeaderReader(Path path, ByteBuffer in, FileChannel channel, long size) {
            this.path = path;
            this.in = in;
            this.channel = channel;
            this.size = size;
        }

        Gguf read() throws IOException {
            try {
                if (size < 8 || in.getInt() != MAGIC) {
                    throw new EngineException("expected a GGUF model file (magic \"GGUF\"), found something else in " + path
                            + "; download the .gguf version of the model");
                }
                int version = in.getInt();
                if (version == 0x03000000 || version == 0x02000000) {
                    throw new EngineException("model file " + path + " is big-endian GGUF; only little-endian files are supported");
                }
                if (version != 2 && version != 3) {
                    throw new EngineException("expected GGUF version 2 or 3, found " + version + " in " + path
                            + (version == 1 ? "; convert it again with a current llama.cpp" : ""));
                }
                long tensorCount = count("tensor count");
                long kvCount = count("metadata count");
                Map<String, Object> metadata = new LinkedHashMap<>();
                for (long i = 0; i < kvCount; i++) {
                    String key = readString();
                    metadata.put(key, readValue(in.getInt()));
                }
                Object alignValue = metadata.getOrDefault("general.alignment", (long) DEFAULT_ALIGNMENT);
                long alignment = alignValue instanceof Long ? (Long) alignValue : DEFAULT_ALIGNMENT;
                if (alignment <= 0 || Long.bitCount(alignment) != 1) throw corrupt("alignment " + alignment + " is not a power of two");
                List<Object[]> infos = new ArrayList<>();
                for (long i = 0; i < tensorCount; i++) infos.add(readTensorInfo());
                long dataStart = (in.position() + alignment - 1) / alignment * alignment;
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (Object[] info : infos) {
                    Tensor t = map((String) info[0], (GgmlType) info[1], (long[]) info[2], dataStart + (Long) info[3]);
                    tensors.put(t.name, t);
                }
                return new Gguf(path, version, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
            } catch (BufferUnderflowException e) {
                throw new EngineException("model file " + path + " is truncated: the header ends past the end of the file ("
                        + size + " bytes); download it again");
            }
        }

        private long count(String what) {
            long n = in.getLong();
            if (n < 0 || n > MAX_ARRAY_LENGTH) throw corrupt(what + " " + n + " is out of range");
            return n;
        }

        private String readString() {
            long n = in.getLong();
            if (n < 0 || n > in.remaining()) throw new BufferUnderflowException();
            byte[] bytes = new byte[(int) n];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private Object readValue(int type) {
            switch (type) {
                case 0: return (long) (in.get() & 0xff);
                case 1: return (long) in.get();
                case 2: return (long) (in.getShort() & 0xffff);
                case 3: return (long) in.getShort();
                case 4: return in.getInt() & 0xffffffffL;
                case 5: return (long) in.getInt();
                case 6: return (double) in.getFloat();
                case 7: return in.get() != 0;
                case 8: return readString();
                case 9: return readArray();
                case 10: case 11: return in.getLong();
                case 12: return in.getDouble();
                default: throw corrupt("unknown metadata value type " + type);
            }
        }

        private List<Object> readArray() {
            int type = in.getInt();
            long n = count("array length");
            List<Object> out = new ArrayList<>((int) Math.min(n, in.remaining()));
            for (long i = 0; i < n; i++) out.add(readValue(type));
            return Collections.unmodifiableList(out);
        }

        private Object[] readTensorInfo() {
            String name = readString();
            int nDims = in.getInt();
            if (nDims < 1 || nDims > 4) throw corrupt("tensor " + name + " has " + nDims + " dimensions");
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.getLong();
                if (dims[d] <= 0) throw corrupt("tensor " + name + " has dimension " + dims[d]);
            }
            int typeId = in.getInt();
            GgmlType type = GgmlType.of(typeId);
            if (type == null) throw corrupt("tensor " + name + " has unknown type " + typeId + "; update hearth");
            if (dims[0] % type.blockElements != 0) {
                throw corrupt("tensor " + name + " row of " + dims[0] + " is not a whole number of " + type + " blocks");
            }
            return new Object[] {name, type, dims, in.getLong()};
        }

        private Tensor map(String name, GgmlType type, long[] dims, long start) throws IOException {
            long rows = 1;
            for (int d = 1; d < dims.length; d++) rows *= dims[d];
            long rowBytes = type.bytes(dims[0]);
            long bytes = rowBytes * rows;
            if (start + bytes > size) {
                throw new EngineException("model file " + path + " is truncated: tensor " + name + " ends at byte "
                        + (start + bytes) + " but the file has " + size + "; download it again");
            }
            if (rowBytes > Integer.MAX_VALUE) throw corrupt("tensor " + name + " has a row over 2 GiB");
            long perSegment = Math.min(rows, Integer.MAX_VALUE / rowBytes);
            int count = (int) ((rows + perSegment - 1) / perSegment);
            ByteBuffer[] segments = new ByteBuffer[count];
            for (int s = 0; s < count; s++) {
                long first = s * perSegment;
                long length = Math.min(perSegment, rows - first) * rowBytes;
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, start + first * rowBytes, length)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            return new Tensor(name, type, dims, segments, (int) perSegment);
        }

        private EngineException corrupt(String what) {
            return new EngineException("model file " + path + " is not a valid GGUF file: " + what
                    + " (at byte " + in.position() + ")");
        }
    }
}
