// Reads a GGUF file (versions 2 and 3, little-endian): the metadata as plain JDK values (String,
// Long for every integer type, Double for floats, Boolean, List<Object> for arrays), the tensor
// index, and each tensor's bytes memory-mapped read-only. Layout per ggml's docs/gguf.md. A
// truncated, foreign or big-endian file fails with an EngineException naming the file and offset.
// The header is read, not mapped, and string arrays stay UTF-8: a vocabulary then costs its bytes,
// not 150k String objects, and no header page stays resident once the tokenizer is built.
package hearth.engine;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

final class Gguf {
    private static final int MAGIC = 0x46554747;             // "GGUF" read little-endian
    private static final int DEFAULT_ALIGNMENT = 32;         // gguf.md: general.alignment default
    private static final long MAX_ARRAY_LENGTH = 1L << 28;   // a larger count means a corrupt file
    private static final int HEADER_BUFFER_BYTES = 1 << 16;

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
            return new HeaderReader(path, channel, channel.size()).read();
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

    /** A GGUF string array as its UTF-8 bytes end to end; get(i) decodes one string. */
    static final class StringArray extends AbstractList<Object> implements RandomAccess {
        private byte[] bytes;
        private final int[] ends;    // ends[i]: where string i stops in bytes; it starts where i - 1 stops

        private StringArray(int size, int expectedBytes) {
            bytes = new byte[expectedBytes];
            ends = new int[size];
        }

        @Override
        public String get(int i) {
            int from = i == 0 ? 0 : ends[i - 1];
            return new String(bytes, from, ends[i] - from, StandardCharsets.UTF_8);
        }

        @Override
        public int size() {
            return ends.length;
        }
    }

    /** One pass over the header through a small buffer: magic, version, counts, key/values, tensor infos; then mapping. */
    private static final class HeaderReader {
        private final Path path;
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer in = ByteBuffer.allocate(HEADER_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN).limit(0);
        private long inStart;        // the file offset of in's first byte
        private ByteBuffer data;     // a mapping of the data section that tensors are slices of
        private long dataFrom, dataTo;

        HeaderReader(Path path, FileChannel channel, long size) {
            this.path = path;
            this.channel = channel;
            this.size = size;
        }

        Gguf read() throws IOException {
            try {
                if (size < 8 || readInt() != MAGIC) {
                    throw new EngineException("expected a GGUF model file (magic \"GGUF\"), found something else in " + path
                            + "; download the .gguf version of the model");
                }
                int version = readInt();
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
                    metadata.put(key, readValue(readInt()));
                }
                Object alignValue = metadata.getOrDefault("general.alignment", (long) DEFAULT_ALIGNMENT);
                long alignment = alignValue instanceof Long ? (Long) alignValue : DEFAULT_ALIGNMENT;
                if (alignment <= 0 || Long.bitCount(alignment) != 1) throw corrupt("alignment " + alignment + " is not a power of two");
                List<Object[]> infos = new ArrayList<>();
                for (long i = 0; i < tensorCount; i++) infos.add(readTensorInfo());
                long dataStart = (position() + alignment - 1) / alignment * alignment;
                Tensor[] mapped = new Tensor[infos.size()];
                Integer[] byOffset = new Integer[infos.size()];   // mapped in file order, so one data mapping serves them all
                for (int i = 0; i < byOffset.length; i++) byOffset[i] = i;
                Arrays.sort(byOffset, Comparator.comparingLong(i -> (Long) infos.get(i)[3]));
                for (int i : byOffset) {
                    Object[] info = infos.get(i);
                    mapped[i] = map((String) info[0], (GgmlType) info[1], (long[]) info[2], dataStart + (Long) info[3]);
                }
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (Tensor t : mapped) tensors.put(t.name, t);
                return new Gguf(path, version, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
            } catch (BufferUnderflowException e) {
                throw new EngineException("model file " + path + " is truncated: the header ends past the end of the file ("
                        + size + " bytes); download it again");
            }
        }

        private long position() {
            return inStart + in.position();
        }

        /** Makes the next n (at most HEADER_BUFFER_BYTES) bytes readable from in, or throws at the end of the file. */
        private ByteBuffer need(int n) throws IOException {
            if (in.remaining() >= n) return in;
            inStart += in.position();
            in.compact();
            while (in.position() < n) {
                if (channel.read(in, inStart + in.position()) < 0) throw new BufferUnderflowException();
            }
            return in.flip();
        }

        private int readInt() throws IOException {
            return need(4).getInt();
        }

        private long readLong() throws IOException {
            return need(8).getLong();
        }

        private long count(String what) throws IOException {
            long n = readLong();
            if (n < 0 || n > MAX_ARRAY_LENGTH) throw corrupt(what + " " + n + " is out of range");
            return n;
        }

        private String readString() throws IOException {
            int n = stringLength();
            byte[] bytes = new byte[n];
            readBytes(bytes, 0, n);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private int stringLength() throws IOException {
            long n = readLong();
            if (n < 0 || n > size - position()) throw new BufferUnderflowException();
            if (n > Integer.MAX_VALUE - 8) throw corrupt("a string of " + n + " bytes");
            return (int) n;
        }

        private void readBytes(byte[] out, int from, int n) throws IOException {
            for (int done = 0; done < n; ) {
                int take = Math.min(need(1).remaining(), n - done);
                in.get(out, from + done, take);
                done += take;
            }
        }

        private Object readValue(int type) throws IOException {
            switch (type) {
                case 0: return (long) (need(1).get() & 0xff);
                case 1: return (long) need(1).get();
                case 2: return (long) (need(2).getShort() & 0xffff);
                case 3: return (long) need(2).getShort();
                case 4: return readInt() & 0xffffffffL;
                case 5: return (long) readInt();
                case 6: return (double) need(4).getFloat();
                case 7: return need(1).get() != 0;
                case 8: return readString();
                case 9: return readArray();
                case 10: case 11: return readLong();
                case 12: return need(8).getDouble();
                default: throw corrupt("unknown metadata value type " + type);
            }
        }

        private List<Object> readArray() throws IOException {
            int type = readInt();
            long n = count("array length");
            if (type == 8) return readStrings((int) n);
            List<Object> out = new ArrayList<>((int) Math.min(n, size - position()));
            for (long i = 0; i < n; i++) out.add(readValue(type));
            return Collections.unmodifiableList(out);
        }

        private StringArray readStrings(int n) throws IOException {
            if (n > (size - position()) / 8) throw new BufferUnderflowException();   // each string has an 8-byte length
            StringArray out = new StringArray(n, (int) Math.min(8L * n, size - position()));
            int end = 0;
            for (int i = 0; i < n; i++) {
                int length = stringLength();
                if (end + length > out.bytes.length) out.bytes = Arrays.copyOf(out.bytes, Math.max(end + length, 2 * out.bytes.length));
                readBytes(out.bytes, end, length);
                end += length;
                out.ends[i] = end;
            }
            out.bytes = Arrays.copyOf(out.bytes, end);
            return out;
        }

        private Object[] readTensorInfo() throws IOException {
            String name = readString();
            int nDims = readInt();
            if (nDims < 1 || nDims > 4) throw corrupt("tensor " + name + " has " + nDims + " dimensions");
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = readLong();
                if (dims[d] <= 0) throw corrupt("tensor " + name + " has dimension " + dims[d]);
            }
            int typeId = readInt();
            GgmlType type = GgmlType.of(typeId);
            if (type == null) throw corrupt("tensor " + name + " has unknown type " + typeId + "; update hearth");
            if (dims[0] % type.blockElements != 0) {
                throw corrupt("tensor " + name + " row of " + dims[0] + " is not a whole number of " + type + " blocks");
            }
            return new Object[] {name, type, dims, readLong()};
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
                segments[s] = slice(start + first * rowBytes, Math.min(perSegment, rows - first) * rowBytes);
            }
            return new Tensor(name, type, dims, segments, (int) perSegment, start);
        }

        // Tensors share one mapping (a new one every 2 GiB): a mapping per tensor would map each page
        // two tensors share twice, and both copies count as resident.
        private ByteBuffer slice(long start, long length) throws IOException {
            if (start < dataFrom || start + length > dataTo) {
                dataFrom = start;
                dataTo = Math.min(size, start + Integer.MAX_VALUE);
                data = channel.map(FileChannel.MapMode.READ_ONLY, dataFrom, dataTo - dataFrom);
            }
            return data.slice((int) (start - dataFrom), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        }

        private EngineException corrupt(String what) {
            return new EngineException("model file " + path + " is not a valid GGUF file: " + what
                    + " (at byte " + position() + ")");
        }
    }
}
