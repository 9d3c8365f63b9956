// Tests the GGUF reader on files written byte by byte: every metadata type, both versions,
// tensor mapping, and the errors for truncated, foreign and unsupported files.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufTest {
    @TempDir Path dir;

    private GgufWriter sample() {
        return new GgufWriter()
                .put("general.architecture", "llama")
                .put("llama.block_count", 2)
                .put("big", Long.MAX_VALUE)
                .put("small", (byte) -3)
                .put("eps", 1e-5f)
                .put("base", 10000.5)
                .put("flag", true)
                .put("tokens", List.of("a", "bé", "<|x|>"))
                .put("types", List.of(1, 2, 3))
                .f32("norm", new float[] {1, 2, 3, 4}, 4)
                .f16("mat", new float[] {1, -2, 0.5f, 65504, 0, -0.25f}, 3, 2);
    }

    @Test
    void open_everyValueType_returnsPlainJdkValues() throws IOException {
        Gguf g = Gguf.open(sample().write(dir.resolve("m.gguf")));
        assertEquals(3, g.version());
        assertEquals("llama", g.string("general.architecture"));
        assertEquals(2L, g.integer("llama.block_count"));
        assertEquals(Long.MAX_VALUE, g.integer("big", 0));
        assertEquals(-3L, g.metadata().get("small"));
        assertEquals(1e-5f, (float) g.number("eps", 0), 0f);
        assertEquals(10000.5, g.number("base", 0));
        assertTrue(g.bool("flag", false));
        assertEquals(List.of("a", "bé", "<|x|>"), g.array("tokens"));
        assertEquals(List.of(1L, 2L, 3L), g.array("types"));
        assertEquals(7L, g.integer("missing", 7));
        assertEquals("d", g.string("missing", "d"));
    }

    @Test
    void open_version2_reads() throws IOException {
        Gguf g = Gguf.open(sample().version(2).write(dir.resolve("m.gguf")));
        assertEquals(2, g.version());
        assertEquals("llama", g.string("general.architecture"));
    }

    @Test
    void tensor_f32AndF16_mapsRows() throws IOException {
        Gguf g = Gguf.open(sample().write(dir.resolve("m.gguf")));
        assertEquals("[1.0, 2.0, 3.0, 4.0]", Arrays.toString(g.requireTensor("norm").toFloats()));
        Tensor mat = g.requireTensor("mat");
        assertEquals(3, mat.columns());
        assertEquals(2, mat.rows());
        assertEquals(6, mat.offset(1));
        assertEquals(65504f, Float16.toFloat(mat.buffer(1).getShort(mat.offset(1))));
    }

    @Test
    void open_fileOver2GiB_mapsTensorsAcrossAndPastTheFirst2GiB() throws IOException {
        // 540,000 rows of 4 KiB: 2.2 GB of zeros (a hole in a sparse file), then a small tensor past 2 GiB
        Path file = new GgufWriter().put("general.architecture", "llama").zeros("big", GgmlType.F32, 1024, 540_000)
                .f32("tail", new float[] {1, 2, 3, 4}, 4).write(dir.resolve("big.gguf"));
        assertTrue(Files.size(file) > 1L << 31, "the file is over 2 GiB: " + Files.size(file));
        Gguf g = Gguf.open(file);
        assertEquals("[1.0, 2.0, 3.0, 4.0]", Arrays.toString(g.requireTensor("tail").toFloats()));
        Tensor big = g.requireTensor("big");
        assertEquals(540_000, big.rows());
        int last = 539_999;   // a row in the tensor's second buffer: one buffer holds at most 2 GiB
        assertNotSame(big.buffer(0), big.buffer(last));
        assertEquals(0f, big.buffer(last).getFloat(big.offset(last) + 4 * 1023));
    }

    @Test
    void open_truncatedData_saysTruncated() throws IOException {
        byte[] all = sample().bytes();
        Path p = Files.write(dir.resolve("t.gguf"), Arrays.copyOf(all, all.length - 40));
        EngineException e = assertThrows(EngineException.class, () -> Gguf.open(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void open_truncatedHeader_saysTruncated() throws IOException {
        Path p = Files.write(dir.resolve("t.gguf"), Arrays.copyOf(sample().bytes(), 60));
        EngineException e = assertThrows(EngineException.class, () -> Gguf.open(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void open_foreignFile_saysNotGguf() throws IOException {
        Path p = Files.writeString(dir.resolve("x.gguf"), "{\"not\": \"a model\"}");
        EngineException e = assertThrows(EngineException.class, () -> Gguf.open(p));
        assertTrue(e.getMessage().contains("expected a GGUF model file"), e.getMessage());
    }

    @Test
    void open_version1_isRejected() throws IOException {
        Path p = sample().version(1).write(dir.resolve("v1.gguf"));
        EngineException e = assertThrows(EngineException.class, () -> Gguf.open(p));
        assertTrue(e.getMessage().contains("expected GGUF version 2 or 3, found 1"), e.getMessage());
    }

    @Test
    void open_missingFile_saysCannotRead() {
        EngineException e = assertThrows(EngineException.class, () -> Gguf.open(dir.resolve("none.gguf")));
        assertTrue(e.getMessage().contains("cannot read model file"), e.getMessage());
    }

    @Test
    void string_wrongType_namesKeyAndType() throws IOException {
        Gguf g = Gguf.open(sample().write(dir.resolve("m.gguf")));
        EngineException e = assertThrows(EngineException.class, () -> g.string("llama.block_count"));
        assertTrue(e.getMessage().contains("llama.block_count"), e.getMessage());
    }

    @Test
    void float16_roundTrip_matchesIeee() {
        assertEquals(0x3c00, Float16.fromFloat(1f) & 0xffff);
        assertEquals(0x7bff, Float16.fromFloat(65504f) & 0xffff);
        assertEquals(0x7c00, Float16.fromFloat(65520f) & 0xffff);       // rounds up to infinity
        assertEquals(0x0001, Float16.fromFloat(0x1p-24f) & 0xffff);     // smallest subnormal
        assertEquals(0x3c00, Float16.fromFloat(1f + 0x1p-11f) & 0xffff); // tie → even
        assertEquals(0x3c02, Float16.fromFloat(1f + 3 * 0x1p-11f) & 0xffff);
        for (int h = 0; h < 0x7c00; h++) assertEquals(h, Float16.fromFloat(Float16.toFloat((short) h)) & 0xffff);
    }

    @Test
    void float16_toFloat_everyHalfAsIeeeDefinesIt() {
        for (int h = 0; h < 65536; h++) {
            int sign = h >>> 15, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
            float expected = exp == 0x1f ? Float.intBitsToFloat(sign << 31 | 0x7f800000 | mant << 13)   // infinity, NaN payload kept
                    : (sign == 1 ? -1 : 1) * (exp == 0 ? Math.scalb((float) mant, -24) : Math.scalb((float) (1024 + mant), exp - 25));
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Float16.toFloat((short) h)), "half 0x" + Integer.toHexString(h));
        }
    }
}
