package hearth.backend;

import java.util.List;
import java.util.Map;

// llama.cpp's llama-server (port 8080): /health ({"status":"ok"}, 503 while loading), /props
// (build, model path, context size), /v1/models with a `meta` block, and `timings` in every reply
// (prompt and generation speed as the server measured them).
final class LlamaCpp implements Dialect {
    public String kind() { return "llamacpp"; }

    public String label() { return "llama-server"; }

    public int defaultPort() { return 8080; }

    public String startHint() { return "llama-server -m model.gguf --port 8080 --jinja"; }

    @Override
    public Health health(OpenAiClient http) {
        http.get("/health", http.timeouts.connect().plusSeconds(5));
        Map<String, Object> props = Completions.map(http.get("/props", http.timeouts.connect().plusSeconds(5)));
        var models = models(http);
        return new Health(kind(), Completions.text(props.get("build_info")), models.size(), models.size(), null);
    }

    @Override
    public ModelInfo model(Map<String, Object> entry) {
        Map<String, Object> meta = Completions.map(entry.get("meta"));
        return new ModelInfo(String.valueOf(entry.get("id")), true, Completions.number(meta.get("size")), null,
                Completions.number(meta.get("n_ctx_train")), null);
    }

    /** llama-server serves /v1/embeddings only with a pooled model; without one its 400 gets the fix added. */
    @Override
    public List<List<Double>> embed(OpenAiClient http, String model, List<String> input, Abort abort) {
        try {
            return Dialect.super.embed(http, model, input, abort);
        } catch (BackendException e) {
            if (e.status != 400 || !e.getMessage().contains("Pooling type")) throw e;
            throw new BackendException(e.kind, e.status, e.getMessage() + " - restart llama-server with --embeddings --pooling mean "
                    + "(or cls/last), or load an embedding model", e.getCause());
        }
    }

    @Override
    public void extras(Map<String, Object> json, Answer answer) {
        if (!(json.get("timings") instanceof Map<?, ?> raw)) return;
        Map<String, Object> t = Completions.map(raw);
        if (t.get("predicted_per_second") instanceof Number n && n.doubleValue() > 0) answer.tokensPerSecond = n.doubleValue();
        if (t.get("prompt_ms") instanceof Number n) answer.ttftSeconds = n.doubleValue() / 1000;
        if (answer.promptTokens == null && t.get("prompt_n") instanceof Number n) answer.promptTokens = n.longValue();
        if (answer.completionTokens == null && t.get("predicted_n") instanceof Number n) answer.completionTokens = n.longValue();
    }
}
