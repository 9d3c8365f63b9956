// Tests which JVMs get the engine's native-heap trimming flag (a flag a JVM does not know stops it
// starting), that only the engine's JVM loads the vector module (its warning goes to the client's log),
// and that this JVM starts with either set of flags and says nothing about them.
package hearth.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchTest {
    @Test
    void trimsNativeHeap_onlyWhereTheFlagExists() {
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("17.0.8")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("17.0.9")));
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("20.0.2")));
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("21")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("21.0.1")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("22")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("25.0.1+8")));
    }

    @Test
    void engineHeap_threeQuartersOfMemory_belowCompressedPointersLimit() {
        assertEquals(12 << 10, Launch.engineHeapMiB(16L << 30), "16 GiB of memory");
        assertEquals(31 << 10, Launch.engineHeapMiB(64L << 30), "past 32 GiB a heap loses compressed pointers");
        assertEquals(0, Launch.engineHeapMiB(0), "unknown: the JVM's default");
        assertEquals(true, Launch.flags(true, null).stream().anyMatch(f -> f.startsWith("-Xmx")));
        assertEquals(false, Launch.flags(false, null).stream().anyMatch(f -> f.startsWith("-Xmx")), "a backend-calling server keeps the JVM's default");
    }

    @Test
    void vectorModule_onlyForTheEngine() {
        assertFalse(Launch.flags(false, null).contains("--add-modules"), "a backend-calling server needs no incubator module");
        boolean jdkHasIt = java.lang.module.ModuleFinder.ofSystem().find(Launch.VECTOR_MODULE).isPresent();
        assertEquals(jdkHasIt, Launch.flags(true, null).contains(Launch.VECTOR_MODULE));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void flags_startThisJvmWithoutComplaint(boolean engine) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Launch.flags(engine, null));
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        for (String line : out.split("\n")) {
            boolean incubator = line.contains("Using incubator modules");
            assertFalse(!incubator && line.toLowerCase().contains("warning"), command + " printed: " + line);
        }
    }
}
