package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

// Ollama (port 11434), through its native API: /api/chat with options.num_ctx sized to the prompt
// and capped at what the model was trained for (/api/show; the OpenAI endpoint silently truncates
// to the default 2-4k context) and keep_alive, `think` only when asked, NDJSON streaming;
// /api/tags (on disk), /api/ps (loaded), /api/version. Loads and unloads are /api/generate with
// no prompt and a keep_alive (0 unloads); downloads are /api/pull.
final class Ollama implements Dialect {
    static final String KEEP_ALIVE = "30m";        // Ollama's own 5 min makes the next call after a pause reload the model
    private static final int MIN_CONTEXT = 8192;    // buckets keep num_ctx stable: a new value reloads the model
    private static final int MAX_CONTEXT = 131072;
    private static final long DEFAULT_REPLY_TOKENS = 2048;
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;   // no silence limit of its own: the budget governs a pull

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
        if (r.minP() != null) options.put("min_p", r.minP());
        if (r.repeatPenalty() != null) options.put("repeat_penalty", r.repeatPenalty());
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

    /** /api/generate with no prompt loads the model and answers when it is in memory (docs/api.md, "Load a model"). */
    @Override
    public ModelChange load(OpenAiClient http, String model, LoadOptions o, Polling polling, Abort abort) {
        o.refuse("flash_attention", label(), "Ollama sets it for the whole server - start it with OLLAMA_FLASH_ATTENTION=1");
        var options = Json.obj();
        if (o.contextLength() != null) options.put("num_ctx", o.contextLength());
        if (o.gpu() != null && o.gpu() == 0) options.put("num_gpu", 0L);                 // no layers on the GPU: CPU only
        else if (o.gpu() != null && o.gpu() != 1) {
            throw new BackendException(BackendException.Kind.UNSUPPORTED, "argument 'gpu' must be 0 (CPU only) or 1 (all the layers that fit) "
                    + "for Ollama, got " + o.gpu() + " - a share of the layers is num_gpu in a Modelfile");
        }
        var body = Json.obj("model", model, "stream", false, "keep_alive", o.ttlSeconds() != null ? o.ttlSeconds() + "s" : KEEP_ALIVE);
        if (!options.isEmpty()) body.put("options", options);
        long started = System.nanoTime();
        Map<String, Object> reply = Completions.object(http.readJson("POST", "/api/generate", body, abort, polling.load()), http, "/api/generate");
        Long loadNanos = Completions.number(reply.get("load_duration"));
        double seconds = (loadNanos != null ? loadNanos : System.nanoTime() - started) / 1e9;
        String note = "stays loaded for " + (o.ttlSeconds() != null ? o.ttlSeconds() + " s" : KEEP_ALIVE) + " after its last use"
                + (o.contextLength() == null ? "" : "; hearth's chat sizes num_ctx to each prompt (8k and up), and Ollama reloads the model"
                   + " when that differs from " + o.contextLength());
        return new ModelChange(model, model, "loaded", seconds, o.contextLength(), note);
    }

    /** keep_alive 0 unloads at once (docs/api.md, "Unload a model"); /api/ps says first whether it was loaded. */
    @Override
    public ModelChange unload(OpenAiClient http, String model, Polling polling, Abort abort) {
        boolean loaded = Completions.list(http.get("/api/ps", http.timeouts.total()), "models", http, "/api/ps").stream()
                .anyMatch(m -> model.equals(m.get("name")) || model.equals(m.get("model")));
        http.post("/api/generate", Json.obj("model", model, "stream", false, "keep_alive", 0L), abort);
        return new ModelChange(model, model, loaded ? "unloaded" : "not loaded", null, null, null);
    }

    /**
     * /api/pull streams NDJSON: {"status":"pulling <digest>","digest":…,"total":…,"completed":…} per
     * layer, then {"status":"success"}, or an {"error":…} line. Ollama stops a pull when its client
     * hangs up and keeps what it fetched, so past the budget the answer says to call again to resume.
     */
    @Override
    public Download download(OpenAiClient http, String model, String quantization, Polling polling, Consumer<Download> progress, Abort abort) {
        if (quantization != null) {
            throw new BackendException(BackendException.Kind.UNSUPPORTED, "argument 'quantization' is not supported by Ollama: the "
                    + "quantisation is part of the tag - pass model like qwen2.5:7b-instruct-q4_K_M (ollama.com/library/<name>/tags lists them)");
        }
        var layers = new LinkedHashMap<String, long[]>();   // digest → {completed, total}
        var last = new Download[] {new Download(model, null, "downloading", null, null, "starting")};
        var stop = new Abort();                              // flipped by the client's cancel or by the budget
        abort.onAbort(stop::abort);
        var budget = new Deadline(polling.budget().toNanos(), FOREVER_NANOS, FOREVER_NANOS, stop::abort);
        // a big layer's digest check is silent for a while: allow a load's worth of silence; the budget ends it first
        var limits = new OpenAiClient.Timeouts(http.timeouts.connect(), polling.load(), polling.load(), polling.budget().plus(polling.load()));
        try {
            http.stream("/api/pull", Json.obj("model", model, "stream", true), stop, limits, line -> {
                Map<String, Object> chunk = Completions.parseChunk(line, http, "/api/pull");
                String status = String.valueOf(chunk.get("status"));
                if (chunk.get("digest") instanceof String digest && chunk.get("total") instanceof Number total) {
                    long done = chunk.get("completed") instanceof Number c ? c.longValue() : 0;
                    long[] seen = layers.computeIfAbsent(digest, d -> new long[2]);
                    seen[0] = Math.max(seen[0], done);
                    seen[1] = total.longValue();
                }
                long done = layers.values().stream().mapToLong(l -> l[0]).sum(), total = layers.values().stream().mapToLong(l -> l[1]).sum();
                boolean success = status.equals("success");
                last[0] = new Download(model, null, success ? "completed" : "downloading", layers.isEmpty() ? null : total,
                        layers.isEmpty() ? null : done, status);
                progress.accept(last[0]);
                return !success;
            });
        } catch (BackendException e) {
            if (abort.aborted() || !"total".equals(budget.expired())) throw e;
            return new Download(model, null, "stopped", last[0].totalBytes(), last[0].doneBytes(), "stopped at '" + last[0].detail()
                    + "' when the download budget ran out; Ollama keeps what it fetched - call download_model again to resume");
        } finally {
            budget.stop();
        }
        if (!last[0].finished()) {
            throw new BackendException(BackendException.Kind.MALFORMED, "Ollama at " + http.baseUrl + " ended the pull of " + model
                    + " before {\"status\":\"success\"} (last: " + last[0].detail() + ") - call download_model again; Ollama resumes where it stopped");
        }
        return last[0];
    }
}
