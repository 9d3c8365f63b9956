package hearth.backend;

import hearth.json.Json;
import java.util.Map;

// vLLM (port 8000): /health answers 200 with an empty body, /version gives the version,
// /v1/models carries max_model_len; a key set with --api-key is sent as a bearer token; thinking is
// switched through chat_template_kwargs.enable_thinking.
final class Vllm implements Dialect {
    public String kind() { return "vllm"; }
    public String repeatPenaltyKey() { return "repetition_penalty"; }

    public String label() { return "vLLM"; }

    public int defaultPort() { return 8000; }

    public String startHint() { return "vllm serve Qwen/Qwen2.5-7B-Instruct --port 8000"; }

    @Override
    public String lifecycleHint() {
        return "vLLM serves the one model it was started with: restart it as `vllm serve <hugging face id>` (it downloads the model itself)";
    }

    @Override
    public Health health(OpenAiClient http) {
        http.get("/health", http.timeouts.connect().plusSeconds(5));
        String version = Completions.text(Completions.map(http.get("/version", http.timeouts.connect().plusSeconds(5))).get("version"));
        var models = models(http);
        return new Health(kind(), version, models.size(), models.size(), null);   // vLLM serves exactly what it loaded
    }

    @Override
    public ModelInfo model(Map<String, Object> entry) {
        return new ModelInfo(String.valueOf(entry.get("id")), true, null, null, Completions.number(entry.get("max_model_len")), null);
    }

    @Override
    public void thinking(Map<String, Object> body, String reasoning) {
        body.put("chat_template_kwargs", Json.obj("enable_thinking", !reasoning.equals("off")));
        if (!reasoning.equals("on") && !reasoning.equals("off")) body.put("reasoning_effort", reasoning);
    }
}
