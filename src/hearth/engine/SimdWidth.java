// ggml's SIMD register width on this CPU, which our kernels mimic so that float sums add in the
// same order as llama.cpp's (the quantised kernels always use AVX2's eight lanes, see Kernels).
package hearth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class SimdWidth {
    private SimdWidth() {
    }

    /** GGML_F16_EPR / GGML_F32_EPR: 16 floats with AVX-512F, else 8 (AVX2). -Dhearth.engine.lanes overrides. */
    static int lanes() {
        String forced = System.getProperty("hearth.engine.lanes");
        if (forced != null) return Integer.parseInt(forced);
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("flags")) return line.contains(" avx512f") ? 16 : 8;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: no way to tell, assume AVX2, the common case
        }
        return 8;
    }
}
