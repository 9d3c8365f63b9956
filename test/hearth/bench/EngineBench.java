// Embedded engine against llama.cpp's llama-server on the same GGUF file, same machine, same run:
// prompt and generation tok/s and their ratios, whether the greedy tokens agree, and the resident
// memory of hearth serving the file against file size + KV cache (of the whole context, as
// llama.cpp allocates it; hearth's grows with the conversation, so the bench also says what the
// same server would hold with its context full), and llama-server's own resident memory on the
// same file and context. The two take turns, request for request, over several rounds and each
// keeps its best: a noisy neighbour on these shared cores then costs both sides alike, instead of
// whichever happened to run during it. Models come from
// ../shared/backends/llama-server.sh (default: bench-qwen2-q8_0 and bench-qwen2-q4_k_m), each
// measured in a fresh JVM of its own so one model's JIT state never counts against the next,
// started with the JVM flags that `install` registers for the engine (Launch.flags). Memory is
// that of the real server a client runs: build/hearth.jar --model-file over stdio, with install's
// flags and env (Launch.env), its tokenizer and MCP code included, with the class cache install
// trains, read from /proc once it is idle after answering one chat.
package hearth.bench;

import hearth.config.Config;
import hearth.engine.Engine;
import hearth.install.Launch;
import hearth.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class EngineBench {
    private static final int PROMPT_TOKENS = 128;
    private static final int GENERATED_TOKENS = 64;
    private static final int ROUNDS = 3;
    private static final int SETTLED_SECONDS = 4;   // how long the server's RSS must hold still before it is read
    private static final int MISSING_NEED = 3;      // llama-server.sh: a required tool is missing
    private static final Path JAR = Path.of("build/hearth.jar");
    // about 128 tokens of text, the user turn of the chat the server answers before its memory is read
    private static final String CHAT_MESSAGE = String.join(" ", java.util.Collections.nCopies(9,
            "The quick brown fox jumps over the lazy dog near the river bank."));
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private record Speed(double promptPerSecond, double generatedPerSecond, int[] tokens, double allocatedPerToken) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--one")) {
            measure(args[1]);
            return;
        }
        List<String> models = args.length > 0 ? List.of(args) : List.of("bench-qwen2-q8_0", "bench-qwen2-q4_k_m");
        System.out.printf("engine bench: %d prompt tokens, %d generated, greedy, %d threads%n",
                PROMPT_TOKENS, GENERATED_TOKENS, Runtime.getRuntime().availableProcessors());
        for (String name : models) {
            List<String> command = new ArrayList<>(List.of(java()));
            command.addAll(Launch.flags(true, null));
            command.addAll(List.of("-Dhearth.shared=" + System.getProperty("hearth.shared", "../shared"),
                    "-cp", System.getProperty("java.class.path"), EngineBench.class.getName(), "--one", name));
            int code = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (code != 0) throw new IllegalStateException("the bench of " + name + " failed (exit " + code + ")");
        }
    }

    private static void measure(String name) throws IOException, InterruptedException {
        Path file = Path.of(script("model", name).trim());
        int[] prompt = prompt(PROMPT_TOKENS);
        Engine engine = Engine.load(file, Config.ENGINE_MAX_CONTEXT);  // the server's context; its cache grows only as used
        Speed server = null;
        Speed ours = null;
        int port = freePort();
        String base = script("start", String.valueOf(port), name).trim();
        try {
            complete(base, Arrays.copyOf(prompt, 32), 16);                 // warm-ups: llama-server's caches, our JIT
            engine.generate(Arrays.copyOf(prompt, 32), Engine.Sampling.greedy(), 16, t -> { }, () -> false);
            for (int round = 0; round < ROUNDS; round++) {
                server = best(server, serverSpeed(base, prompt));
                ours = best(ours, engineSpeed(engine, prompt));
            }
        } finally {
            script("stop", String.valueOf(port));
        }
        long size = Files.size(file);
        Memory memory = serverMemory(file);
        long theirs = llamaServerMemory(file, engine.contextLength());
        long budget = size + engine.cacheBytes();
        long perPosition = engine.cacheBytes() / engine.contextLength();
        int cached = Math.min(engine.contextLength(), (memory.positions + Engine.CACHE_STEP - 1) / Engine.CACHE_STEP * Engine.CACHE_STEP);
        long full = memory.rss + (engine.contextLength() - cached) * perPosition;
        System.out.printf("%s (%d MiB), best of %d interleaved rounds%n", name, size >> 20, ROUNDS);
        System.out.printf("  prompt     engine %7.1f tok/s   llama-server %7.1f tok/s   ratio %.2f%n",
                ours.promptPerSecond, server.promptPerSecond, ours.promptPerSecond / server.promptPerSecond);
        System.out.printf("  generation engine %7.1f tok/s   llama-server %7.1f tok/s   ratio %.2f (target >= 0.50)%n",
                ours.generatedPerSecond, server.generatedPerSecond, ours.generatedPerSecond / server.generatedPerSecond);
        System.out.printf("  greedy tokens: %s%n", agreement(ours.tokens, server.tokens));
        System.out.printf("  engine allocates %.1f MB per token (a few: activations; tens: boxed vector code)%n", ours.allocatedPerToken / 1e6);
        System.out.printf("  hearth serving it, after a %d-token chat: RSS %d MiB (peak %d MiB; file-backed %d, anonymous %d)"
                + " vs file + KV cache of the whole context %d MiB: %.3fx (target <= 1.10)%n", memory.positions, memory.rss >> 20,
                memory.peak >> 20, memory.fileBacked >> 20, memory.anonymous >> 20, budget >> 20, (double) memory.rss / budget);
        System.out.printf("  its KV cache holds %d of %d positions; with all %d in use, RSS would be %d MiB: %.3fx%n",
                cached, engine.contextLength(), engine.contextLength(), full >> 20, (double) full / budget);
        System.out.printf("  llama-server on the same file, its %d-position context allocated, one slot, after the same chat: RSS %d MiB:"
                + " %.3fx file + KV; hearth with its context full holds %.2fx llama-server's%n",
                engine.contextLength(), theirs >> 20, (double) theirs / budget, (double) full / theirs);
    }

    /** What /proc says of the server (bytes), and how many positions its one chat took (prompt + answer). */
    private record Memory(long rss, long peak, long fileBacked, long anonymous, int positions) {
    }

    /**
     * VmRSS, VmHWM, RssFile and RssAnon of build/hearth.jar serving file over stdio, as a client
     * starts it, once it is idle after answering one chat (see settle).
     * Its home is a temp folder, so no config or session of the user's is read or written.
     */
    private static Memory serverMemory(Path file) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("hearth-bench");
        Path cache = Launch.classCache(home, true);
        var env = new java.util.HashMap<>(Launch.env(true));
        env.put("HEARTH_MODEL_FILE", file.toString());
        String failed = Launch.trainClassCache(java(), Launch.flags(true, null), JAR, cache, home, env, true);
        if (failed != null) throw new IllegalStateException("install's class cache could not be trained: " + failed);
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(Launch.flags(true, cache));
        command.addAll(List.of("-Duser.home=" + home, "-jar", JAR.toString(), "--model-file", file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(Launch.env(true));
        Process server = builder.start();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
             var out = server.getOutputStream()) {
            send(out, Json.obj("jsonrpc", "2.0", "id", 1L, "method", "initialize", "params", Json.obj("protocolVersion", "2025-06-18",
                    "capabilities", Json.obj(), "clientInfo", Json.obj("name", "engine-bench", "version", "1"))));
            awaitResponse(in, 1L);
            send(out, Json.obj("jsonrpc", "2.0", "method", "notifications/initialized"));
            send(out, Json.obj("jsonrpc", "2.0", "id", 2L, "method", "tools/call", "params", Json.obj("name", "chat",
                    "arguments", Json.obj("message", CHAT_MESSAGE, "max_tokens", (long) GENERATED_TOKENS, "temperature", 0L))));
            Map<String, Object> answer = awaitResponse(in, 2L);
            if (!(answer.get("result") instanceof Map<?, ?> result) || Boolean.TRUE.equals(result.get("isError"))) {
                throw new IllegalStateException("hearth --model-file " + file + " did not answer the chat: " + Json.write(answer));
            }
            Matcher total = Pattern.compile("= (\\d+) total").matcher(Json.write(answer));
            if (!total.find()) throw new IllegalStateException("the chat's answer has no token count: " + Json.write(answer));
            String pid = String.valueOf(server.pid());
            settle(pid);
            return new Memory(statusKiB(pid, "VmRSS") * 1024, statusKiB(pid, "VmHWM") * 1024,
                statusKiB(pid, "RssFile") * 1024, statusKiB(pid, "RssAnon") * 1024, Integer.parseInt(total.group(1)));
        } finally {
            server.destroy();
            server.waitFor();
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * VmRSS of llama.cpp's llama-server serving file as hearth's server does: the same context,
     * one slot (hearth answers one request at a time), as many threads as cores, once it is idle
     * after answering the same chat. llama.cpp allocates and clears its whole KV cache at start.
     */
    private static long llamaServerMemory(Path file, int context) throws IOException, InterruptedException {
        Path server = Path.of(script("path").trim(), "llama-bin", "llama-server");
        int port = freePort();
        Process process = new ProcessBuilder(server.toString(), "-m", file.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--jinja", "-c", String.valueOf(context), "-np", "1", "-t", String.valueOf(Runtime.getRuntime().availableProcessors()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = "http://127.0.0.1:" + port;
            for (int i = 0; !healthy(base); i++) {
                if (!process.isAlive() || i == 300) throw new IllegalStateException(server + " did not start on " + file);
                Thread.sleep(200);
            }
            String body = Json.write(Json.obj("messages", List.of(Json.obj("role", "user", "content", CHAT_MESSAGE)),
                    "max_tokens", (long) GENERATED_TOKENS, "temperature", 0L));
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(300)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) throw new IllegalStateException("llama-server answered the chat " + answer.statusCode() + ": " + answer.body());
            String pid = String.valueOf(process.pid());
            settle(pid);
            return statusKiB(pid, "VmRSS") * 1024;
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean healthy(String base) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * Waits until the server's RSS has held still (within 1 MiB) for SETTLED_SECONDS, at most a
     * minute: a compilation the chat started may still run after the answer, and its arenas (up to
     * 14 MiB here) go back to the OS only at the next native heap trim, seconds after it ends.
     */
    private static void settle(String pid) throws IOException, InterruptedException {
        long[] recent = new long[SETTLED_SECONDS + 1];
        for (int second = 0; second < 60; second++) {
            Thread.sleep(1000);
            System.arraycopy(recent, 1, recent, 0, SETTLED_SECONDS);
            recent[SETTLED_SECONDS] = statusKiB(pid, "VmRSS");
            long min = Arrays.stream(recent).min().orElseThrow();
            long max = Arrays.stream(recent).max().orElseThrow();
            if (second >= SETTLED_SECONDS && max - min <= 1024) return;
        }
    }

    private static void send(java.io.OutputStream out, Map<String, Object> message) throws IOException {
        out.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The response with this id; notifications (progress, logs) before it are skipped. */
    private static Map<String, Object> awaitResponse(java.io.BufferedReader in, long id) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            Map<String, Object> message = Json.parseObject(line);
            if (Long.valueOf(id).equals(message.get("id"))) return message;
        }
        throw new IllegalStateException("hearth --model-file closed its stdout before answering request " + id);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The faster of two runs, prompt and generation each (greedy: both give the same tokens). */
    private static Speed best(Speed a, Speed b) {
        if (a == null) return b;
        return new Speed(Math.max(a.promptPerSecond, b.promptPerSecond),
                Math.max(a.generatedPerSecond, b.generatedPerSecond), b.tokens, Math.min(a.allocatedPerToken, b.allocatedPerToken));
    }

    private static Speed engineSpeed(Engine engine, int[] prompt) {
        long allocated = engineAllocatedBytes();
        Engine.Result r = engine.generate(prompt, Engine.Sampling.greedy(), GENERATED_TOKENS, t -> { }, () -> false);
        double perToken = (engineAllocatedBytes() - allocated) / (double) (r.promptTokens() + r.completionTokens());
        return new Speed(r.promptTokens() * 1000.0 / Math.max(1, r.promptMillis()),
                r.completionTokens() * 1000.0 / Math.max(1, r.generationMillis()), r.tokens(), perToken);
    }

    /**
     * Bytes the engine's threads (this one and its workers) have allocated so far. A few MB per
     * token is its activations; tens of MB mean C2 boxed the vector kernels (see VectorKernels).
     */
    private static long engineAllocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = threads.getCurrentThreadAllocatedBytes();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("hearth-engine-")) sum += threads.getThreadAllocatedBytes(info.getThreadId());
        }
        return sum;
    }

    /** llama-server's own timings for the same request. */
    private static Speed serverSpeed(String base, int[] prompt) throws IOException, InterruptedException {
        String body = complete(base, prompt, GENERATED_TOKENS);
        return new Speed(number(body, "prompt_per_second"), number(body, "predicted_per_second"), tokens(body), 0);
    }

    private static String complete(String base, int[] prompt, int predict) throws IOException, InterruptedException {
        StringBuilder ids = new StringBuilder();
        for (int t : prompt) ids.append(ids.length() == 0 ? "" : ",").append(t);
        String body = "{\"prompt\": [" + ids + "], \"n_predict\": " + predict + ", \"temperature\": 0,"
                + " \"cache_prompt\": false, \"return_tokens\": true}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/completion")).timeout(Duration.ofSeconds(300))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("llama-server /completion answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*([-0-9.eE+]+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("llama-server's answer has no " + key + ": " + json);
        return Double.parseDouble(m.group(1));
    }

    private static int[] tokens(String json) {
        Matcher m = Pattern.compile("\"tokens\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) throw new IllegalStateException("llama-server's answer has no tokens: " + json);
        return Arrays.stream(m.group(1).split(",")).filter(s -> !s.isBlank()).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    private static String agreement(int[] ours, int[] theirs) {
        int same = 0;
        while (same < Math.min(ours.length, theirs.length) && ours[same] == theirs[same]) same++;
        if (same == ours.length && same == theirs.length) return "identical (" + same + " tokens)";
        return "first " + same + " identical, then engine " + (same < ours.length ? ours[same] : "stops")
                + " vs llama-server " + (same < theirs.length ? theirs[same] : "stops");
    }

    /** Token ids from a fixed seed, below the Qwen2 vocabulary size. */
    private static int[] prompt(int length) {
        Random random = new Random(7);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = 100 + random.nextInt(120_000);
        return ids;
    }

    private static long statusKiB(String pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return 0;
    }

    private static String script(String... args) throws IOException, InterruptedException {
        Path shared = Path.of(System.getProperty("hearth.shared", "../shared"));
        if (!Files.isDirectory(shared)) shared = Path.of("/work/shared");
        List<String> command = new ArrayList<>(List.of("bash", shared.resolve("backends/llama-server.sh").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code == MISSING_NEED) {
            System.err.println("SKIPPED: engine bench needs llama-server: llama-server.sh " + String.join(" ", args) + " exited 3");
            System.exit(0);
        }
        if (code != 0) throw new IllegalStateException("llama-server.sh " + String.join(" ", args) + " failed (exit " + code + ")");
        return out;
    }
}
