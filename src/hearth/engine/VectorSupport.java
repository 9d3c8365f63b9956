// Decides, once, whether the fast kernels can run: VectorKernels is loaded by name only when the
// JVM was started with jdk.incubator.vector (java --add-modules jdk.incubator.vector), so this
// package loads and runs on a plain JDK 17 too. Also picks ggml's SIMD width to mimic (lanes).
package hearth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class VectorSupport {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "hearth.engine.VectorKernels";

    private VectorSupport() {
    }

    static boolean available() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent() && !Boolean.getBoolean("hearth.engine.scalar");
    }

    /**
     * ggml's F16 register width on this CPU (GGML_F16_EPR): 16 with AVX-512F, else 8 (AVX2).
     * Mimicking it makes our float sums add in the same order as llama.cpp's.
     */
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

    /** VectorKernels for these lanes, or null when the vector module is absent. */
    static Kernels kernels(int lanes) {
        if (!available()) return null;
        try {
            return (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor(int.class).newInstance(lanes);
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("hearth engine: vector kernels unavailable (" + e + "); using scalar kernels");
            return null;
        }
    }
}
