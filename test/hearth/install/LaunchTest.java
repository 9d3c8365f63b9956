// Tests which JVMs get the engine's native-heap trimming flag (a flag a JVM does not know stops it
// starting), that only the engine's JVM loads the vector module (its warning goes to the client's log),
// that this JVM starts with either set of flags and says nothing about them, and that a class cache's
// training session keeps the server's stdin open until it has answered.
package hearth.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    // Stands in for java: it answers requests only once its stdin has stayed open a moment past them,
    // and fails if its stdin ends with requests unanswered, as a server whose grace period at EOF
    // runs out does (an engine's first answer in a cold JVM took longer than that grace).
    private static final String SLOW_SERVER = String.join("\n",
            "#!/bin/bash",
            "for a in \"$@\"; do case \"$a\" in -XX:*=*) out=\"${a#*=}\" ;; esac; done   # the list, cache or archive it writes",
            "[[ \" $* \" == *\" -Xshare:dump \"* ]] && { : > \"$out\"; exit 0; }",
            "pending=()",
            "while true; do",
            "  if IFS= read -r -t 1 line; then",
            "    id=$(sed -n 's/.*\"id\":\\([0-9]*\\),\"method\".*/\\1/p' <<< \"$line\")",
            "    [ -n \"$id\" ] && pending+=(\"$id\")",
            "  elif [ $? -gt 128 ]; then",
            "    for id in \"${pending[@]}\"; do echo \"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":$id,\\\"result\\\":{}}\"; done",
            "    pending=()",
            "  else",
            "    [ ${#pending[@]} -eq 0 ] || { echo \"stdin closed with ${#pending[@]} requests unanswered\" >&2; exit 3; }",
            "    : > \"$out\"; exit 0",
            "  fi",
            "done", "");

    @Test
    void training_keepsStdinOpenUntilEveryRequestIsAnswered(@TempDir Path dir) throws Exception {
        Path java = Files.writeString(dir.resolve("slow-java"), SLOW_SERVER);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Launch.classCache(home, false);
        String failed = Launch.trainClassCache(java.toString(), List.of(), dir.resolve("hearth.jar"), cache, home, Map.of(), false);
        assertEquals(null, failed, () -> failed + ": " + read(home.resolve("class-cache-training.log")));
        assertEquals(true, Files.isRegularFile(cache));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
