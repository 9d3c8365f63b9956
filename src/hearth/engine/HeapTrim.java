// Gives the heap's free room back to the OS once an answer is done. The engine's JVM keeps 1 % of
// its heap free while it works (install's flags, see Launch.flags): with none, every young
// collection that promotes anything grows the old generation, and Serial follows each growth
// with a full collection. At rest that 1 % is pages the answer touched, resident for nothing:
// 4-6 MiB of a 0.5 GB model. So after an answer one full collection runs with no free room asked
// for, which shrinks the heap to what lives (the weights sit at its bottom and do not move),
// and the next answer grows it again as it needs. The free-ratio flags are manageable, so they
// change at run time; in a JVM without jdk.management the collection runs with them as they are.
package hearth.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

final class HeapTrim {
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";

    private HeapTrim() {
    }

    /** One full collection that keeps no free room; the free ratios are as before afterwards. */
    static synchronized void now() {
        HotSpotDiagnosticMXBean vm;
        try {
            vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (LinkageError | RuntimeException noManagement) {
            System.gc();
            return;
        }
        String min = vm.getVMOption(MIN).getValue();
        String max = vm.getVMOption(MAX).getValue();
        vm.setVMOption(MIN, "0");                   // min before max: the JVM refuses max < min
        vm.setVMOption(MAX, "0");
        try {
            System.gc();
        } finally {
            vm.setVMOption(MAX, max);
            vm.setVMOption(MIN, min);
        }
    }
}
