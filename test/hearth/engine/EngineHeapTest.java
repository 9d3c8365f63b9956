package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.install.Launch;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// The engine's heap as install runs it (Launch.flags: Serial, 1 % of the old generation kept
// free): a JVM of its own, so the flags and the collector are the server's, not the test runner's.
class EngineHeapTest {

    @Test
    void anAnswer_givesTheFreeRoomBackOnceIdle_andPutsTheFlagsBack() throws Exception {
        Path file = EngineLlamaServer.modelPath("tiny-qwen2");
        String classes = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(EngineHeapTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Launch.flags(true, null));
        command.addAll(List.of("-cp", classes, EngineHeapTest.class.getName(), file.toString()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        String[] lines = out.strip().split("\n");
        long used = Long.parseLong(lines[0]), loaded = Long.parseLong(lines[1]), answered = Long.parseLong(lines[2]);
        // Loaded, a collection leaves the 1 % the flags ask for; once idle after an answer, a page at most.
        assertTrue(loaded >= used / 200, "free after loading: " + loaded + " of " + used + " bytes in use\n" + out);
        assertTrue(answered <= 4096, "free once idle after an answer: " + answered + " bytes\n" + out);
        assertEquals("1 1", lines[3], "MinHeapFreeRatio and MaxHeapFreeRatio after the answer\n" + out);
    }

    /**
     * The child: the old generation's use, its free room once loaded and once idle after an answer
     * (waiting up to 30 s for it), then the two flags once the engine is free again.
     */
    public static void main(String[] args) throws InterruptedException {
        MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals("Tenured Gen")).findFirst().orElseThrow();
        Engine engine = Engine.load(Path.of(args[0]), 1024);
        System.gc();
        long loaded = free(old);
        engine.generate(EngineParityTest.prompt(300, 4), Engine.Sampling.greedy(), 20, t -> { }, () -> false);
        long free = free(old);
        for (long waited = 0; free > 4096 && waited < 30_000; waited += 100) {
            Thread.sleep(100);
            free = free(old);
        }
        System.out.println(old.getUsage().getUsed());
        System.out.println(loaded);
        System.out.println(free);
        synchronized (engine) {  // the heap's return holds it until the flags are back
        }
        var vm = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        System.out.println(vm.getVMOption("MinHeapFreeRatio").getValue() + " " + vm.getVMOption("MaxHeapFreeRatio").getValue());
    }

    private static long free(MemoryPoolMXBean pool) {
        return pool.getUsage().getCommitted() - pool.getUsage().getUsed();
    }
}
