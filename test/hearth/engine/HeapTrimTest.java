// HeapTrim gives back the 1 % free room the engine's JVM keeps, and leaves its flags as they were.
// Runs in a JVM started with the engine's flags (Launch.flags), as install registers it, with
// 200 MiB live: a plain full collection keeps 2 MiB of old generation free, HeapTrim about none.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import hearth.install.Launch;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapTrimTest {
    @Test
    void afterAnAnswer_theOldGenerationKeepsNoFreeRoom_andTheFlagsAreAsBefore() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Launch.flags(true, null));
        String classes = Path.of(HeapTrim.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(Child.class.getProtectionDomain().getCodeSource().getLocation().toURI());   // the launcher's class path is only JUnit's
        command.addAll(List.of("-cp", classes, Child.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, child.waitFor(), out);
        String[] kib = out.substring(out.lastIndexOf('\n') + 1).split(" ");   // free after System.gc, free after HeapTrim, the flags after
        assertTrue(Long.parseLong(kib[0]) >= 1536, "a plain full collection keeps 1 % of 200 MiB free: " + out);
        assertTrue(Long.parseLong(kib[1]) <= 256, "HeapTrim keeps no room beyond the heap's alignment: " + out);
        assertEquals("1/1", kib[2], "the free ratios go back to install's: " + out);
    }

    public static final class Child {
        public static void main(String[] args) {
            byte[][] live = new byte[200][];
            for (int i = 0; i < live.length; i++) live[i] = new byte[1 << 20];
            for (int i = 0; i < 300; i++) live[i % 7] = new byte[1 << 20];   // garbage the old generation makes room for
            System.gc();
            long plain = oldFree();
            HeapTrim.now();
            long trimmed = oldFree();
            var vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            System.out.println(plain + " " + trimmed + " " + vm.getVMOption("MinHeapFreeRatio").getValue() + "/"
                    + vm.getVMOption("MaxHeapFreeRatio").getValue());
            if (live[199].length == 0) throw new AssertionError();   // live until here
        }

        private static long oldFree() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Tenured Gen")) return (pool.getUsage().getCommitted() - pool.getUsage().getUsed()) >> 10;
            }
            throw new IllegalStateException("no Tenured Gen pool: the engine's flags ask for the Serial collector");
        }
    }
}
