package hearth.backend;

import java.util.Map;

// oMLX (port 8000): an API key is required, `model` is required (422 without it), /health is
// unauthenticated and reports the engine pool and the default model; /v1/models lists every
// configured model, loaded or not. Thinking goes as a top-level `enable_thinking`, only when asked.
final class Omlx implements Dialect {
    public String kind() { return "omlx"; }

    public String label() { return "oMLX"; }

    public int defaultPort() { return 8000; }

    public String startHint() { return "open the oMLX app, start its server (port 8000) and set HEARTH_API_KEY to its API key"; }

    @Override
    public Health health(OpenAiClient http) {
        Map<String, Object> h = Completions.map(http.get("/health", http.timeouts.connect().plusSeconds(5)));
        Map<String, Object> pool = Completions.map(h.get("engine_pool"));
        Long loaded = Completions.number(pool.get("loaded_count")), count = Completions.number(pool.get("model_count"));
        return new Health(kind(), Completions.text(h.get("version")), loaded == null ? null : loaded.intValue(),
                count == null ? null : count.intValue(), Completions.text(h.get("default_model")));
    }

    @Override
    public String defaultModel(OpenAiClient http) {
        String fromHealth = health(http).defaultModel();
        return fromHealth != null ? fromHealth : Dialect.super.defaultModel(http);
    }

    @Override
    public boolean needsModel() {
        return true;
    }

    @Override
    public void thinking(Map<String, Object> body, String reasoning) {
        body.put("enable_thinking", !reasoning.equals("off"));
    }
}
