package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

// Everything that differs from one backend to another, behind one small interface. The default
// methods are the plain OpenAI-compatible behaviour (/v1/models, /v1/chat/completions,
// /v1/embeddings); each backend's file overrides only what it does differently. Load, unload and
// download answer "not supported", with the backend's own way to do it, unless a dialect implements them.
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
        Map<String, Object> body = Completions.body(request, stream, repeatPenaltyKey());
        if (request.reasoning() != null) thinking(body, request.reasoning());
        return Completions.send(http, this, body, stream, request.model(), tokens, abort);
    }

    /** The name this server reads the repeat penalty under: llama.cpp's (LM Studio's too); vLLM and MLX LM say repetition_penalty. */
    default String repeatPenaltyKey() {
        return "repeat_penalty";
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

    /** Loads `model` into memory, waiting up to polling.load() for it to be ready. */
    default ModelChange load(OpenAiClient http, String model, LoadOptions options, Polling polling, Abort abort) {
        throw lifecycle("loading a model");
    }

    default ModelChange unload(OpenAiClient http, String model, Polling polling, Abort abort) {
        throw lifecycle("unloading a model");
    }

    /**
     * Downloads `model`, telling `progress` each state it learns, for up to polling.budget(); past
     * it, returns the state reached (the backend carries on where it can). A failed download throws.
     */
    default Download download(OpenAiClient http, String model, String quantization, Polling polling,
                              Consumer<Download> progress, Abort abort) {
        throw lifecycle("downloading a model");
    }

    /** One line: how a user loads, unloads or downloads models with this backend when hearth cannot. */
    default String lifecycleHint() {
        return "manage models in " + label() + " itself, or use LM Studio, Ollama or llama-server's router mode, which hearth can drive";
    }

    default BackendException unsupported(String what) {
        return new BackendException(BackendException.Kind.UNSUPPORTED, what + " is not supported by " + label()
                + " through its API - do it in " + label() + " itself, or use LM Studio, Ollama or llama-server's router mode");
    }

    private BackendException lifecycle(String what) {
        return new BackendException(BackendException.Kind.UNSUPPORTED, what + " is not supported by " + label() + " - " + lifecycleHint());
    }
}
