// Test helper: a real llama-server started through ../shared/backends/llama-server.sh, asked for
// greedy completions of token ids on /completion. The script exits 3 when something it needs is
// missing (cmake, npm, python3 with numpy); that, and only that, makes a test skip.
package hearth.engine;

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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

final class EngineLlamaServer implements AutoCloseable {
    private static final int MISSING_NEED = 3;   // llama-server.sh: a required tool is missing
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TOKENS = Pattern.compile("\"tokens\"\\s*:\\s*\\[([^\\]]*)\\]");
    // tiny-model.py options for a qwen2 model whose rows are 256 long, one K-quant block
    private static final List<String> ROWS_OF_256 = List.of("--embd", "256", "--ff", "512", "--heads", "4", "--kv", "2");

    final int port;
    final String baseUrl;

    private EngineLlamaServer(int port, String baseUrl) {
        this.port = port;
        this.baseUrl = baseUrl;
    }

    /** Starts the named model (one the script knows, or a NAME.gguf put in its cache) on a free port. */
    static EngineLlamaServer start(String model) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return new EngineLlamaServer(port, script("start", String.valueOf(port), model).trim());
    }

    static Path modelPath(String model) throws IOException, InterruptedException {
        return Path.of(script("model", model).trim());
    }

    /**
     * The script has no qwen3 model, so we write one with its own tiny-model.py (--arch qwen3,
     * Qwen2 vocabulary) into its cache as tiny-qwen3.gguf, where `start PORT tiny-qwen3` finds it.
     */
    static Path qwen3Path() throws IOException, InterruptedException {
        return tinyModel("tiny-qwen3", List.of("--arch", "qwen3"), null);
    }

    /**
     * Nor a Q5_K one (the common Q5_K_M files): a qwen2 model whose rows are 256 long, one Q5_K
     * block (the tiny models' 64 are too short for any K-quant), every matrix made Q5_K by
     * llama-quantize --pure, into the cache as tiny-qwen2-q5_k.gguf.
     */
    static Path q5_KPath() throws IOException, InterruptedException {
        return tinyModel("tiny-qwen2-q5_k", ROWS_OF_256, "Q5_K");
    }

    /** And a Q3_K one (Q3_K_M files), made the same way. */
    static Path q3_KPath() throws IOException, InterruptedException {
        return tinyModel("tiny-qwen2-q3_k", ROWS_OF_256, "Q3_K");
    }

    /** tiny-qwen2 with every matrix in {@code type} (Q4_0, IQ4_NL, IQ4_XS: llama-quantize --pure), rows of 256. */
    static Path quantisedPath(String type) throws IOException, InterruptedException {
        return tinyModel("tiny-qwen2-" + type.toLowerCase(java.util.Locale.ROOT), ROWS_OF_256, type);
    }

    /** name.gguf in the script's cache, written once by its tiny-model.py with these options, then quantised to type unless null. */
    private static Path tinyModel(String name, List<String> options, String type) throws IOException, InterruptedException {
        modelPath("tiny-qwen2");                            // builds llama.cpp and fetches its source first
        Path cache = Path.of(script("path").trim());
        Path out = cache.resolve(name + ".gguf");
        if (Files.exists(out)) return out;
        if (run("python3", "-c", "import numpy").exitCode != 0) skip("python3 with numpy is missing (apt-get install python3-numpy)");
        Path tmp = cache.resolve(name + ".f16.tmp");
        List<String> command = new ArrayList<>(List.of("python3", shared().resolve("backends/tiny-model.py").toString(),
                cache.resolve("src").toString(), cache.resolve("src/models/ggml-vocab-qwen2.gguf").toString(), tmp.toString()));
        command.addAll(options);
        Run r = run(command.toArray(new String[0]));
        if (r.exitCode != 0) throw new IllegalStateException("tiny-model.py failed: " + r.stderr);
        if (type != null) {
            Path quantised = cache.resolve(name + ".tmp");
            r = run(cache.resolve("llama-bin/llama-quantize").toString(), "--pure", tmp.toString(), quantised.toString(), type);
            if (r.exitCode != 0) throw new IllegalStateException("llama-quantize failed: " + r.stdout + r.stderr);
            Files.delete(tmp);
            tmp = quantised;
        }
        Files.move(tmp, out);
        return out;
    }

    /** Greedy completion of prompt token ids: the ids llama-server generated. */
    int[] complete(int[] prompt, int nPredict) throws IOException, InterruptedException {
        StringBuilder ids = new StringBuilder();
        for (int t : prompt) ids.append(ids.length() == 0 ? "" : ",").append(t);
        String body = "{\"prompt\": [" + ids + "], \"n_predict\": " + nPredict + ", \"temperature\": 0,"
                + " \"cache_prompt\": false, \"return_tokens\": true}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/completion")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Matcher m = TOKENS.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("llama-server /completion answered " + response.statusCode() + ": " + response.body());
        }
        List<Integer> out = new ArrayList<>();
        for (String s : m.group(1).split(",")) if (!s.isBlank()) out.add(Integer.parseInt(s.trim()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("stop", String.valueOf(port));
    }

    static Path shared() {
        return Path.of(System.getProperty("hearth.shared", "../shared"));
    }

    /** Runs the script; exit 3 aborts the calling test (skip), any other failure is an error. */
    static String script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", shared().resolve("backends/llama-server.sh").toString()));
        command.addAll(List.of(args));
        Run r = run(command.toArray(new String[0]));
        if (r.exitCode == MISSING_NEED) skip("llama-server.sh " + String.join(" ", args) + " exited 3: " + r.stderr.trim());
        if (r.exitCode != 0) throw new IllegalStateException("llama-server.sh " + String.join(" ", args) + " failed (exit "
                + r.exitCode + "): " + r.stderr);
        return r.stdout;
    }

    private static void skip(String why) {
        System.err.println("SKIPPED: engine parity tests need llama-server: " + why);
        Assumptions.abort(why);
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("hearth-engine-test", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return new Run(code, out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
