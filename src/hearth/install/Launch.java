package hearth.install;

import hearth.json.Json;
import hearth.json.JsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

// The command line a client runs: the absolute path of this JVM's java (GUI clients have no PATH),
// flags that keep a JVM small and quick to start, and the installed jar. Install also trains a
// class cache once, from one session of the jar, so each start maps its classes instead of loading
// them: an AOT cache on JDK 25+ (JEP 514/515), else a CDS archive of just the classes a session
// loads (on JDK 17 a server answered initialize in 56 ms instead of 88, in 34.5 MB instead of 39.8).
public record Launch(String java, List<String> flags, Path jar) {
    static final String VECTOR_MODULE = "jdk.incubator.vector";  // the engine's fast kernels need it
    static final int AOT_MIN_FEATURE = 25;                          // -XX:AOTCacheOutput arrived in JDK 25
    static final int TRAINING_SECONDS = 60;
    static final int ENGINE_TRAINING_SECONDS = 600;                // it reads the whole model file once
    // Classes the JDK loads only once two threads contend for a ConcurrentHashMap (its counter
    // cells, seeded by ThreadLocalRandom, whose initialisation loads RandomSupport): a training
    // session may never contend, a server may (the engine's warm-up and a first call tokenizing
    // at once; CI saw it), and a class the archive lacks is parsed at run time instead of mapped.
    // Listed for the dump whatever the training did; public for InstalledJarTest, which checks the archive.
    public static final List<String> CONTENDED_CLASSES = List.of("java/util/concurrent/ThreadLocalRandom",
            "java/util/concurrent/ConcurrentHashMap$CounterCell", "jdk/internal/util/random/RandomSupport");
    static final int TRIM_INTERVAL_MILLIS = 2000;                   // glibc's malloc_trim costs well under a millisecond here
    // The engine's heap limit: three quarters of the machine's memory (weights beyond it stay
    // mapped, only slower), below 32 GiB so object pointers stay compressed.
    static final long MAX_HEAP_MIB = 31 << 10;

    // A training run's workload: a whole MCP session, so the classes a client's start needs are cached.
    private static final String TRAINING_SESSION = String.join("\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"hearth-install\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}") + "\n";
    // and for the engine, one answer, so the model's reader, tokenizer and kernels are cached too
    private static final String TRAINING_CHAT = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"chat\",\"arguments\":{\"message\":\"Hello\",\"max_tokens\":1,\"temperature\":0}}}\n";

    List<String> args() {
        var args = new ArrayList<>(flags);
        args.add("-jar");
        args.add(jar.toString());
        return args;
    }

    /**
     * What the server's environment adds to the user's settings. The engine's tune glibc's
     * malloc, which keeps an arena for each thread that allocates (up to eight a core), each with
     * its own free pages, and serves blocks up to 32 MiB from them, where a free between two live
     * blocks cannot go back to the OS. Two arenas kept 1.2 MiB less resident for a 0.5B model;
     * blocks of 8 KiB and up mapped on their own (the JIT's 32 KiB arena chunks, freed once a
     * compilation ends) 0.5-1 MiB less again. Both ran as fast. Other C libraries ignore them.
     * Sorted, so a config written twice reads the same. Public for EngineBench, which starts the
     * engine as install does.
     */
    public static Map<String, String> env(boolean engine) {
        return engine ? new TreeMap<>(Map.of("MALLOC_ARENA_MAX", "2", "MALLOC_MMAP_THRESHOLD_", "8192")) : Map.of();
    }

    /**
     * The flags for this JVM. `engine`: hearth runs a model itself, so keep the optimising JIT.
     * Public for EngineBench, which starts the engine as install does.
     */
    public static List<String> flags(boolean engine, Path classCache) {
        var flags = new ArrayList<String>();
        // The JVM's own warnings (a class cache from another JDK, say) go to stdout by default,
        // where they would break the protocol: stderr is the client's log.
        flags.add("-Xlog:disable");
        flags.add("-Xlog:all=warning:stderr");
        flags.add("-XX:+UseSerialGC");                        // one small heap, no GC threads: a tool server idles
        flags.add("-XX:+UnlockExperimentalVMOptions");        // for SymbolTableSize and TrimNativeHeapInterval
        if (!engine) flags.add("-XX:TieredStopAtLevel=1");    // C1 only: faster start; the work is waiting on HTTP
        if (engine) {
            // C2 only: C1's profiled copy of every warm method kept 7 MiB more code resident. C2
            // then compiles after 1000 calls instead of 10000: with the default, generation ran
            // 30 % slower through whole answers, not only the first.
            flags.add("-XX:-TieredCompilation");
            flags.add("-XX:CompileThreshold=1000");
            // Two compiler threads, as the JVM chooses here: one kept 2.3 MiB less resident for a 0.5B
            // model, but compiled for over 20 s, so a 1.5B model's first answers came slower (asked
            // 5 s after the client connected, 4.5-5.6 s instead of 3.1-3.5; 15 s after, 3.8 instead
            // of 2.7, and the next 3.2 instead of 2.5).
            // The heap holds the weights (read in once, so the kernels read them in place), the KV
            // cache and little else, and may grow to most of the machine's memory for a large model;
            // it commits only what is used. A 512 KiB young generation is all each token's garbage
            // touches (the kernels allocate nothing, a token's activations a few KiB; 2 MiB kept 1.3
            // MiB more resident and ran no faster; in 256 KiB the JVM cannot start); the old one
            // keeps 1 % free, no more: of a heap that is mostly weights, 5 %
            // kept 20 MiB more resident for a 0.4 GB model, and a prompt's activations go back to
            // the OS at the next full collection instead of staying resident. No less either: an
            // old generation with no room grows at each young collection that promotes anything,
            // and Serial follows every such growth with a full collection; with 0 % a 1.5B model's
            // first answers ran 473 full collections (3.4 s) where 1 % ran 21 (0.7 s in all), the
            // first answer after spawn came 1-3 s sooner, and the server's RSS was the same. Full
            // collections are cheap anyway: the weights sit at the bottom of the heap (Engine.hold)
            // and move only when something below them dies, which a full collection would otherwise
            // leave in place as up to 5 % of the heap of dead filler (MarkSweepDeadRatio), resident.
            // Idle after an answer, the engine gives even that 1 % back (Engine.returnFreeHeapWhenIdle).
            long heap = engineHeapMiB(physicalMemory());
            if (heap > 0) flags.add("-Xmx" + heap + "m");
            flags.add("-Xms8m");
            flags.add("-Xmn512k");
            flags.add("-XX:MinHeapFreeRatio=1");
            flags.add("-XX:MaxHeapFreeRatio=1");
            flags.add("-XX:MarkSweepDeadRatio=0");
            flags.add("-XX:-ShrinkHeapInSteps");
            if (trimsNativeHeap(Runtime.version())) {
                // The optimising JIT's arenas (13 MiB at peak) go back to malloc, which keeps them resident unless trimmed.
                flags.add("-XX:TrimNativeHeapInterval=" + TRIM_INTERVAL_MILLIS);   // experimental when first released
            }
        }
        flags.add("-Xss512k");                                // thread stacks; the JSON parser caps nesting at 1000
        // The JVM's string and symbol tables are sized for an application server: 64k and 32k buckets
        // (0.75 MiB, resident) for the 4k interned strings and 1k symbols outside the class cache
        // hearth has; they grow if ever needed.
        flags.add("-XX:StringTableSize=4096");
        flags.add("-XX:SymbolTableSize=4096");
        flags.add("-XX:-UsePerfData");                        // no /tmp/hsperfdata file for jstat, 32 KiB less
        flags.add("-XX:+UseCompressedOops");
        // The engine's vector kernels need the module; a server that calls a backend does not, and
        // the JVM would print an incubator warning to the client's log at every start for nothing.
        if (engine && ModuleFinder.ofSystem().find(VECTOR_MODULE).isPresent()) {
            flags.add("--add-modules");
            flags.add(VECTOR_MODULE);
        }
        if (classCache != null) flags.add((aotSupported() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + classCache);
        return flags;
    }

    /** The engine's -Xmx in MiB for a machine with this much memory (bytes; 0 when unknown: the JVM's own default then, a quarter). */
    static long engineHeapMiB(long physical) {
        return physical <= 0 ? 0 : Math.min(MAX_HEAP_MIB, Math.max(64, (physical >> 20) * 3 / 4));
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getTotalMemorySize();
        return 0;
    }

    /** JDK-8293114 added TrimNativeHeapInterval in JDK 22 and backported it to 21.0.1 and 17.0.9; 18 to 20 lack it. */
    static boolean trimsNativeHeap(Runtime.Version v) {
        return v.feature() >= 22 || (v.feature() == 21 && v.update() >= 1) || (v.feature() == 17 && v.update() >= 9);
    }

    /** This JVM's java executable, absolute. */
    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
    }

    static boolean aotSupported() {
        return Runtime.version().feature() >= AOT_MIN_FEATURE;
    }

    /**
     * Where install keeps the class cache for this JDK: one for servers that call a backend and one
     * for the engine, whose flags and classes differ, so installing one kind never spoils the other's.
     */
    public static Path classCache(Path hearthHome, boolean engine) {
        return hearthHome.resolve((engine ? "hearth-engine" : "hearth") + (aotSupported() ? ".aot" : ".jsa"));
    }

    static String classCacheKind() {
        return aotSupported() ? "AOT cache" : "CDS archive";
    }

    /**
     * Trains the class cache at `cache` (see classCache) from a short MCP session of the jar with
     * these flags and env: on JDK 25+ the JVM writes the AOT cache itself; before, the session lists
     * the classes it loads and a second run dumps just those into a CDS archive. With the engine the
     * session answers once, so it reads `env`'s model file. Public for EngineBench, which measures
     * the engine as install registers it. Returns null on success, else why it failed (hearth then
     * starts without a cache, only a little slower). The client must use the same flags, or the JVM ignores the cache.
     */
    public static String trainClassCache(String java, List<String> baseFlags, Path jar, Path cache, Path hearthHome,
                                         Map<String, String> env, boolean engine) throws IOException {
        Files.deleteIfExists(cache);  // a cache from an older jar would be refused anyway
        Path log = hearthHome.resolve("class-cache-training.log");
        Files.deleteIfExists(log);
        Path classList = hearthHome.resolve("class-cache-training.classes");
        String session = engine ? TRAINING_SESSION + TRAINING_CHAT : TRAINING_SESSION;
        var training = new ArrayList<>(baseFlags);
        training.add(aotSupported() ? "-XX:AOTCacheOutput=" + cache : "-XX:DumpLoadedClassList=" + classList);
        training.addAll(List.of("-jar", jar.toString()));
        try {
            String failed = run("the training run", java, training, session, env, hearthHome, log, engine ? ENGINE_TRAINING_SECONDS : TRAINING_SECONDS);
            if (failed == null && !aotSupported()) {
                var listed = new ArrayList<>(Files.readAllLines(classList, StandardCharsets.UTF_8));
                for (String name : CONTENDED_CLASSES) if (!listed.contains(name)) listed.add(name);
                Files.write(classList, listed, StandardCharsets.UTF_8);
                var dump = new ArrayList<>(baseFlags);
                dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + cache, "-cp", jar.toString()));
                failed = run("the archive's dump", java, dump, "", env, hearthHome, log, TRAINING_SECONDS);
            }
            if (failed == null && !Files.isRegularFile(cache)) failed = "the training run wrote no " + cache.getFileName();
            if (failed != null) return failed + " (log: " + log + ")";
            if (Files.exists(log) && Files.size(log) == 0) Files.delete(log);
            return null;
        } finally {
            Files.deleteIfExists(classList);
        }
    }

    /**
     * Runs java with these arguments, `input` on its stdin and its stderr appended to log; null when
     * it exits 0 in time, else what went wrong with `what`. Its stdin stays open until every request
     * in `input` is answered: at EOF a server gives what is in flight only a grace period
     * (Config.SHUTDOWN_GRACE_SECONDS), which a cold JVM's first answer from a model file can
     * outlast, and then the training would never see the classes an answer loads.
     */
    private static String run(String what, String java, List<String> arguments, String input, Map<String, String> env, Path hearthHome,
                              Path log, int seconds) throws IOException {
        var command = new ArrayList<>(List.of(java));
        command.addAll(arguments);
        var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("HEARTH_HOME", hearthHome.toString());
        Process process = builder.start();
        var overtime = CompletableFuture.runAsync(process::destroyForcibly, CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS));
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream in = process.getOutputStream();
            long unanswered = input.lines().filter(line -> isMessage(line, true)).count();
            try {
                in.write(input.getBytes(StandardCharsets.UTF_8));
                if (unanswered == 0) in.close(); else in.flush();
            } catch (IOException e) {
                // it exited early: its exit code says how
            }
            for (String line; (line = out.readLine()) != null; ) {
                if (isMessage(line, false) && --unanswered == 0) in.close();
            }
            in.close();
            int code = process.waitFor();
            if (overtime.isDone()) return what + " took over " + seconds + " s";
            return code == 0 ? null : what + " failed (exit " + code + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return "interrupted";
        } finally {
            overtime.cancel(false);
        }
    }

    /** Whether this line is a JSON-RPC request (one with an id and a method), or with request false, a response. */
    private static boolean isMessage(String line, boolean request) {
        try {
            return Json.parse(line) instanceof Map<?, ?> m && m.containsKey("id") && m.containsKey("method") == request;
        } catch (JsonException e) {
            return false;
        }
    }

    /** The command as one line a person can paste into a POSIX shell: words with spaces or quotes are quoted. */
    String display() {
        var words = new ArrayList<String>();
        words.add(java);
        words.addAll(args());
        var out = new StringBuilder();
        for (String w : words) out.append(out.length() > 0 ? " " : "").append(quote(w));
        return out.toString();
    }

    static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=+,@%-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
