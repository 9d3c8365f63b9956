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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// Test helper: a real llama-server started through ../shared/backends/llama-server.sh, spoken to
// over HTTP with just enough JSON for /tokenize, /detokenize and /apply-template. The script exits
// 3 when a need (cmake, python3 with numpy, ...) is missing; that, and only that, means "skip".
final class TokenizerLlamaServer implements AutoCloseable {

    static final int MISSING_NEED = 3;  // llama-server.sh's exit code for a missing tool

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final String model;
    final int port;
    final String baseUrl;

    private TokenizerLlamaServer(String model, int port, String baseUrl) {
        this.model = model;
        this.port = port;
        this.baseUrl = baseUrl;
    }

    // Starts MODEL on a free loopback port; throws Skip when the script reports a missing need.
    static TokenizerLlamaServer start(String model) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = script("start", String.valueOf(port), model).trim();
        return new TokenizerLlamaServer(model, port, url);
    }

    // The GGUF file of a model the script knows, made first if needed.
    static Path modelPath(String model) throws IOException, InterruptedException {
        return Path.of(script("model", model).trim());
    }

    // A SentencePiece model: the script has no name for one, so we write it with the script's own
    // tiny-model.py (llama architecture, llama.cpp's ggml-vocab-llama-spm.gguf) into its cache,
    // where `start PORT tiny-llama-spm` then finds it.
    static Path spmModelPath() throws IOException, InterruptedException {
        modelPath("tiny-llama3");  // builds llama.cpp and its source tree first, if needed
        Path cache = Path.of(script("path").trim());
        Path out = cache.resolve("tiny-llama-spm.gguf");
        if (Files.exists(out)) return out;
        Path tmp = cache.resolve("tiny-llama-spm.gguf.tmp");
        if (run(List.of("python3", "-c", "import numpy")).exitCode != 0) {
            throw new Skip("python3 with numpy is missing (apt-get install python3-numpy)");
        }
        Result r = run(List.of("python3", shared().resolve("backends/tiny-model.py").toString(), cache.resolve("src").toString(),
                cache.resolve("src/models/ggml-vocab-llama-spm.gguf").toString(), tmp.toString(), "--arch", "llama"));
        if (r.exitCode != 0) throw new IllegalStateException("tiny-model.py failed: " + r.stderr);
        Files.move(tmp, out);
        return out;
    }

    // llama.cpp's source tree, as the script fetched it (models/, src/unicode-data.cpp, ...).
    static Path sourceTree() throws IOException, InterruptedException {
        modelPath("tiny-qwen2");
        return Path.of(script("path").trim()).resolve("src");
    }

    int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) throws IOException, InterruptedException {
        String body = post("/tokenize", "{\"content\": " + quote(text) + ", \"add_special\": " + addSpecial
                + ", \"parse_special\": " + parseSpecial + "}");
        Matcher m = Pattern.compile("\"tokens\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(body);
        if (!m.find()) throw new IllegalStateException("unexpected /tokenize answer: " + body);
        String list = m.group(1).trim();
        if (list.isEmpty()) return new int[0];
        String[] parts = list.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) ids[i] = Integer.parseInt(parts[i].trim());
        return ids;
    }

    String detokenize(int[] tokens) throws IOException, InterruptedException {
        StringBuilder list = new StringBuilder();
        for (int t : tokens) list.append(list.length() == 0 ? "" : ",").append(t);
        return stringField(post("/detokenize", "{\"tokens\": [" + list + "]}"), "content");
    }

    String applyTemplate(List<ChatTemplate.Message> messages, boolean addGenerationPrompt)
            throws IOException, InterruptedException {
        StringBuilder json = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < messages.size(); i++) {
            ChatTemplate.Message m = messages.get(i);
            json.append(i == 0 ? "" : ", ").append("{\"role\": ").append(quote(m.role()))
                    .append(", \"content\": ").append(quote(m.content())).append('}');
        }
        json.append("], \"add_generation_prompt\": ").append(addGenerationPrompt).append('}');
        return stringField(post("/apply-template", json.toString()), "prompt");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("stop", String.valueOf(port));
    }

    private String post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(model + " answered " + response.statusCode() + " to POST " + path + ": " + response.body());
        }
        return response.body();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    // The string value of "key" in a flat JSON object, unescaped.
    static String stringField(String json, String key) {
        int at = json.indexOf("\"" + key + "\"");
        if (at < 0) throw new IllegalStateException("no \"" + key + "\" in " + json);
        int i = json.indexOf('"', json.indexOf(':', at + key.length() + 2)) + 1;
        StringBuilder sb = new StringBuilder();
        for (char c = json.charAt(i); c != '"'; c = json.charAt(++i)) {
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u': sb.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16)); i += 4; break;
                default: sb.append(e);
            }
        }
        return sb.toString();
    }

    static Path shared() {
        return Path.of(System.getProperty("hearth.shared", "../shared"));
    }

    private static String script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(shared().resolve("backends/llama-server.sh").toString()));
        command.addAll(List.of(args));
        Result r = run(command);
        if (r.exitCode == MISSING_NEED) throw new Skip(r.stderr.trim());
        if (r.exitCode != 0) {
            throw new IllegalStateException("llama-server.sh " + String.join(" ", args) + " exited " + r.exitCode + ": " + r.stderr);
        }
        return r.stdout;
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("hearth-llama", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return new Result(code, out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    // The script (or a need it names) is missing: the caller skips and says why, loudly.
    static final class Skip extends RuntimeException {
        Skip(String why) {
            super(why);
        }
    }

    // Reads tokenizer-corpus.txt: one text per line with escapes (see its header), "## " comments.
    static List<String> corpus() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("test/hearth/engine/tokenizer-corpus.txt"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("## ")) texts.add(unescape(line));
        }
        return texts;
    }

    static String unescape(String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = line.charAt(++i);
            if (e == 'u') {
                int close = line.indexOf('}', i);
                sb.appendCodePoint(Integer.parseInt(line.substring(i + 2, close), 16));
                i = close;
            } else {
                sb.append(Map.of('n', "\n", 'r', "\r", 't', "\t", '\\', "\\").get(e));
            }
        }
        return sb.toString();
    }
}
