package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// Everything that differs from one backend to another, behind one small interface. The default
// methods are the plain OpenAI-compatible behaviour (/v1/models, /v1/chat/completions,
// /v1/embeddings); each backend's file overrides only what it does differently. Load, unload and
// download answer "not supported" until a dialect implements them.
interface Dialect {
    String kind();                // the HEARTH_BACKEND value: openai, ollama, lmstudio, llamacpp, mlx, omlx, vllm

    String label();               // for people: "Ollama", "LM Studio", ...

    int defaultPort();            // 0 when there is none

    String startHint();           // one line: how to start this backend

    default Health health(OpenAiClient http) {
        List<ModelInfo> models = models(http);
        return new Health(kind(), null, (int) models.stream().filter(m -> Boolean.TRUE.equals(m.loaded())).count(), models.size(), null);
    }

    default List<ModelInfo> models(OpenAiClient http) {
        var out = new ArrayList<ModelInfo>();
        for (Map<String, Object> m : Completions.list(http.get("/v1/models", http.timeouts.total()), "data", http, "/v1/models")) {
            out.add(model(m));
        }
        return out;
    }

    /** One entry of /v1/models; dialects read the extra fields their backend adds. */
    default ModelInfo model(Map<String, Object> entry) {
        return new ModelInfo(String.valueOf(entry.get("id")));
    }

    /** The model to use when none is configured: the first loaded one, else the first listed, else null. */
    default String defaultModel(OpenAiClient http) {
        List<ModelInfo> models = models(http);
        return models.stream().filter(m -> Boolean.TRUE.equals(m.loaded())).map(ModelInfo::id).findFirst()
                .orElse(models.isEmpty() ? null : models.get(0).id());
    }

    /** True when the backend refuses a request without `model` (oMLX answers 422). */
    default boolean needsModel() {
        return false;
    }

    default ChatReply chat(OpenAiClient http, ChatRequest request, boolean stream, Tokens tokens, Abort abort) {
        Map<String, Object> body = Completions.body(request, stream);
        if (request.reasoning() != null) thinking(body, request.reasoning());
        return Completions.send(http, this, body, stream, request.model(), tokens, abort);
    }

    /** Adds the thinking switch the caller asked for (never called otherwise: an unknown field makes some servers answer 400). */
    default void thinking(Map<String, Object> body, String reasoning) {
        switch (reasoning) {
            case "off": case "on": body.put("chat_template_kwargs", Json.obj("enable_thinking", reasoning.equals("on"))); break;
            default: body.put("reasoning_effort", reasoning);
        }
    }

    /** Reads what this backend adds to a reply or stream chunk (llama-server's timings, ...). */
    default void extras(Map<String, Object> json, Answer answer) {}

    /** Embeddings for each input, in order. */
    default List<List<Double>> embed(OpenAiClient http, String model, List<String> input, Abort abort) {
        var body = Json.obj("input", input);
        if (model != null) body.put("model", model);
        var vectors = new ArrayList<List<Double>>();
        for (Map<String, Object> item : Completions.list(http.post("/v1/embeddings", body, abort), "data", http, "/v1/embeddings")) {
            var vector = new ArrayList<Double>();
            if (item.get("embedding") instanceof List<?> values) for (Object v : values) vector.add(((Number) v).doubleValue());
            vectors.add(vector);
        }
        return vectors;
    }

    default String load(OpenAiClient http, String model, Map<String, Object> options, Abort abort) {
        throw unsupported("loading a model");
    }

    default String unload(OpenAiClient http, String model, Abort abort) {
        throw unsupported("unloading a model");
    }

    default String download(OpenAiClient http, String model, String quantization, Tokens progress, Abort abort) {
        throw unsupported("downloading a model");
    }

    default BackendException unsupported(String what) {
        return new BackendException(BackendException.Kind.UNSUPPORTED, what + " is not supported by " + label()
                + " through its API - do it in " + label() + " itself, or use LM Studio, Ollama or llama-server's router mode");
    }
}
