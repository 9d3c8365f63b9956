package hearth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

// Runs ../shared/checks/conformance.sh (the official MCP conformance suite) as the builder says and
// requires every scenario that applies to pass; skips, loudly, only when the script exits 3 for a
// missing need. Its output goes to stderr either way, so a failure shows which scenario broke.
public final class Conformance {
    private static final int MISSING_NEED = 3;

    private Conformance() {}

    public static void assertPasses(ProcessBuilder builder) throws Exception {
        var process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.MINUTES));
        System.err.println(output);
        if (process.exitValue() == MISSING_NEED) Assumptions.abort("SKIPPED LOUDLY: conformance.sh exited 3 (a need is missing):\n" + output);
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("conformance: [1-9]\\d* passed, 0 failed"), "conformance suite: " + last + "\n" + output);
        assertEquals(0, process.exitValue());
    }
}
