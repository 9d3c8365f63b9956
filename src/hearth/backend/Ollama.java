package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

// Ollama (port 11434), through its native API: /api/chat with options.num_ctx sized to the prompt
// and capped at what the model was trained for (/api/show; the OpenAI endpoint silently truncates
// to the default 2-4k context) and keep_alive, `think` only when asked, NDJSON streaming;
// /api/tags (on disk), /api/ps (loaded), /api/version.
final class Ollama implements Dialect {
    static final String KEEP_ALIVE = "30m";        // Ollama's own 5 min makes the next call after a pause reload the model
    private static final int MIN_CONTEXT = 8192;    // buckets keep num_ctx stable: a new value reloads the model
    private static final int MAX_CONTEXT = 131072;
    private static final long DEFAULT_REPLY_TOKENS = 2048;

    private final Map<String, Integer> trained = new ConcurrentHashMap<>();   // "url model" → context length from /api/show

    public String kind() { return "ollama"; }

    public String label() { return "Ollama"; }

    public int defaultPort() { return 11434; }

    public String startHint() { return "ollama serve (then: ollama pull qwen2.5-coder:7b)"; }

    @Override
    public Health health(OpenAiClient http) {
        String version = Completions.text(Completions.map(http.get("/api/version", http.timeouts.connect().plusSeconds(5))).get("version"));
        var models = models(http);
        return new Health(kind(), version, (int) models.stream().filter(m -> Boolean.TRUE.equals(m.loaded())).count(), models.size(), null);
    }

    @Override
    public List<ModelInfo> models(OpenAiClient http) {
        var loaded = new HashMap<String, Long>();   // name → context length it is loaded with
        for (var m : Completions.list(http.get("/api/ps", http.timeouts.total()), "models", http, "/api/ps")) {
            Long ctx = Completions.number(m.get("context_length"));
            loaded.put(String.valueOf(m.get("name")), ctx == null ? -1 : ctx);
        }
        var out = new ArrayList<ModelInfo>();
        for (var m : Completions.list(http.get("/api/tags", http.timeouts.total()), "models", http, "/api/tags")) {
            String name = String.valueOf(m.get("name"));
            Map<String, Object> details = Completions.map(m.get("details"));
            Long ctx = loaded.get(name);
            out.add(new ModelInfo(name, loaded.containsKey(name), Completions.number(m.get("size")),
                    Completions.text(details.get("quantization_level")), ctx == null || ctx < 0 ? null : ctx, null));
        }
        return out;
    }

    @Override
    public ChatReply chat(OpenAiClient http, ChatRequest r, boolean stream, Tokens tokens, Abort abort) {
        var options = Json.obj();
        if (r.temperature() != null) options.put("temperature", r.temperature());
        if (r.topP() != null) options.put("top_p", r.topP());
        if (r.topK() != null) options.put("top_k", r.topK());
        if (r.seed() != null) options.put("seed", r.seed());
        if (r.maxTokens() != null) options.put("num_predict", r.maxTokens());
        if (r.stop() != null && !r.stop().isEmpty()) options.put("stop", r.stop());
        options.put("num_ctx", Math.min(contextFor(r), trainedContext(http, r.model())));
        var body = Json.obj("model", r.model(), "messages", r.messages(), "stream", stream, "options", options, "keep_alive", KEEP_ALIVE);
        if (r.reasoning() != null) body.put("think", r.reasoning().equals("on") ? (Object) true : r.reasoning().equals("off") ? (Object) false : r.reasoning());
        if (r.json()) body.put("format", "json");
        var answer = new Answer(r.model(), tokens);
        if (!stream) {
            read(Completions.object(http.post("/api/chat", body, abort), http, "/api/chat"), answer);
        } else {
            http.stream("/api/chat", body, abort, line -> {
                read(Completions.parseChunk(line, http, "/api/chat"), answer);
                return !answer.complete;
            });
            if (!answer.complete) throw Completions.cutShort(http, "/api/chat", answer);
        }
        return answer.finish();
    }

    /** num_ctx: the prompt plus the reply, rounded up to a power of two from 8k, so most calls reuse the loaded context. */
    static int contextFor(ChatRequest r) {
        long need = r.promptTokenEstimate() + (r.maxTokens() == null ? DEFAULT_REPLY_TOKENS : r.maxTokens());
        int ctx = MIN_CONTEXT;
        while (ctx < need && ctx < MAX_CONTEXT) ctx *= 2;
        return ctx;
    }

    /**
     * The context the model was trained for, from /api/show's model_info ("qwen2.context_length"):
     * asking for more makes Ollama warn and can make the model ramble. Looked up once per model; when
     * Ollama cannot say (an older version, a model it cannot describe), the buckets alone decide.
     */
    int trainedContext(OpenAiClient http, String model) {
        if (model == null) return MAX_CONTEXT;
        String key = http.baseUrl + " " + model;
        Integer known = trained.get(key);
        if (known != null) return known;
        int context = MAX_CONTEXT;
        try {
            var info = Completions.map(Completions.object(http.post("/api/show", Json.obj("model", model), new Abort()), http, "/api/show").get("model_info"));
            Long n = Completions.number(info.get(Completions.text(info.get("general.architecture")) + ".context_length"));
            if (n != null && n > 0) context = (int) Math.min(n, MAX_CONTEXT);
        } catch (BackendException e) {
            return MAX_CONTEXT;   // not remembered: the next call asks again
        }
        trained.put(key, context);
        return context;
    }

    private static void read(Map<String, Object> chunk, Answer answer) {
        Map<String, Object> message = Completions.map(chunk.get("message"));
        answer.add(Completions.text(message.get("content")), Completions.text(message.get("thinking")));
        if (!Boolean.TRUE.equals(chunk.get("done"))) return;
        answer.complete = true;
        answer.finishReason = Completions.text(chunk.get("done_reason"));
        answer.promptTokens = Completions.number(chunk.get("prompt_eval_count"));
        answer.completionTokens = Completions.number(chunk.get("eval_count"));
        Long evalNanos = Completions.number(chunk.get("eval_duration"));
        if (answer.completionTokens != null && evalNanos != null && evalNanos > 0) answer.tokensPerSecond = answer.completionTokens / (evalNanos / 1e9);
        Long load = Completions.number(chunk.get("load_duration")), prompt = Completions.number(chunk.get("prompt_eval_duration"));
        if (prompt != null) answer.ttftSeconds = (prompt + (load == null ? 0 : load)) / 1e9;
    }

    @Override
    public List<List<Double>> embed(OpenAiClient http, String model, List<String> input, Abort abort) {
        var reply = Completions.object(http.post("/api/embed", Json.obj("model", model, "input", input, "keep_alive", KEEP_ALIVE), abort), http, "/api/embed");
        var vectors = new ArrayList<List<Double>>();
        if (reply.get("embeddings") instanceof List<?> list) {
            for (Object v : list) {
                var vector = new ArrayList<Double>();
                if (v instanceof List<?> values) for (Object x : values) vector.add(((Number) x).doubleValue());
                vectors.add(vector);
            }
        }
        return vectors;
    }
}
