// The worker team runs every index of every job exactly once, even when one thread stalls (as the
// OS pauses a thread on a busy machine), and a failure in any chunk reaches the caller.
package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkersTest {
    @Test
    void everyIndexRunsOnce_inManyJobsInARow() {
        Workers workers = new Workers(3);
        for (int job = 0; job < 2000; job++) {
            int n = 1 + job % 300;
            var hits = new AtomicIntegerArray(n);
            workers.run(n, 1 + job % 7, (worker, from, to) -> {
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "job " + job + " index " + i);
        }
    }

    @Test
    void aStalledThread_leavesItsShareToTheOthers() {
        Workers workers = new Workers(2);
        var hits = new AtomicIntegerArray(64);
        var byCaller = new java.util.concurrent.atomic.AtomicInteger();
        // 8 chunks of 8; the helper thread stalls inside the first chunk it takes (as if the OS
        // paused it), so the caller runs all the others instead of waiting for it
        workers.run(64, 8, (worker, from, to) -> {
            if (worker == 1) sleep(300);
            else byCaller.incrementAndGet();
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < 64; i++) assertEquals(1, hits.get(i), "index " + i);
        assertTrue(byCaller.get() >= 7, "the caller ran " + byCaller.get() + " of 8 chunks");
        var second = new AtomicIntegerArray(64);
        workers.run(64, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) second.incrementAndGet(i);
        });
        for (int i = 0; i < 64; i++) assertEquals(1, second.get(i), "second job, index " + i);
    }

    @Test
    void aFailingChunk_reachesTheCaller_andTheTeamKeepsWorking() {
        Workers workers = new Workers(2);
        for (int round = 0; round < 50; round++) {
            int bad = round % 40;
            var e = assertThrows(IllegalStateException.class, () -> workers.run(40, 1, (worker, from, to) -> {
                if (from <= bad && bad < to) throw new IllegalStateException("chunk with " + bad);
            }));
            assertEquals("chunk with " + bad, e.getMessage());
            var hits = new AtomicIntegerArray(40);
            workers.run(40, 1, (worker, from, to) -> {
                for (int i = from; i < to; i++) hits.incrementAndGet(i);
            });
            for (int i = 0; i < 40; i++) assertEquals(1, hits.get(i));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
