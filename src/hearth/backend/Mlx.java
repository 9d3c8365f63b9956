package hearth.backend;

import java.util.Map;

// MLX LM's `mlx_lm.server` (port 8080): OpenAI-compatible, no auth, lists the models in its
// Hugging Face cache; the first listed is used when no model is configured.
final class Mlx implements Dialect {
    public String kind() { return "mlx"; }
    public String repeatPenaltyKey() { return "repetition_penalty"; }   // mlx_lm.server's name

    public String label() { return "MLX LM"; }

    public int defaultPort() { return 8080; }

    public String startHint() { return "mlx_lm.server --model mlx-community/Qwen2.5-Coder-7B-Instruct-4bit --port 8080"; }

    @Override
    public String lifecycleHint() {
        return "MLX LM loads the model a request names on first use, fetching it from Hugging Face if needed: "
                + "call set_model (or chat with model=) using an id like mlx-community/Qwen2.5-7B-Instruct-4bit";
    }

    @Override
    public ModelInfo model(Map<String, Object> entry) {
        return new ModelInfo(String.valueOf(entry.get("id")), null, null, null, null, null);
    }
}
