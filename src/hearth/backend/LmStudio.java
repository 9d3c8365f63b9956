package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

// LM Studio (port 1234), through its native REST API (/api/v1, LM Studio 0.4+): models with
// loaded instances, size, quantisation and context; chat with `reasoning` and stats (tok/s,
// TTFT). The native chat takes one user turn, so multi-turn, `seed`, `stop` and `json` requests go
// to the OpenAI-compatible endpoint instead. Models are loaded (synchronously), unloaded by
// instance id, and downloaded as a job whose status is polled (lmstudio.ai/docs/developer/rest).
final class LmStudio implements Dialect {
    private static final String CHAT = "/api/v1/chat";
    private static final String MODELS = "/api/v1/models";
    private static final String LOAD = "/api/v1/models/load";
    private static final String UNLOAD = "/api/v1/models/unload";
    private static final String DOWNLOAD = "/api/v1/models/download";
    private static final String DOWNLOAD_STATUS = "/api/v1/models/download/status/";

    public String kind() { return "lmstudio"; }

    public String label() { return "LM Studio"; }

    public int defaultPort() { return 1234; }

    public String startHint() { return "lms server start (or LM Studio → Developer → Start server), then load a model"; }

    @Override
    public List<ModelInfo> models(OpenAiClient http) {
        var out = new ArrayList<ModelInfo>();
        for (var m : Completions.list(http.get(MODELS, http.timeouts.total()), "models", http, MODELS)) {
            boolean loaded = m.get("loaded_instances") instanceof List<?> l && !l.isEmpty();
            out.add(new ModelInfo(String.valueOf(m.get("key")), loaded, Completions.number(m.get("size_bytes")),
                    Completions.text(Completions.map(m.get("quantization")).get("name")), Completions.number(m.get("max_context_length")),
                    Completions.text(m.get("type"))));
        }
        return out;
    }

    @Override
    public String defaultModel(OpenAiClient http) {
        var llms = models(http).stream().filter(m -> !"embedding".equals(m.type())).toList();
        return llms.stream().filter(m -> Boolean.TRUE.equals(m.loaded())).map(ModelInfo::id).findFirst()
                .orElse(llms.isEmpty() ? null : llms.get(0).id());
    }

    @Override
    public ChatReply chat(OpenAiClient http, ChatRequest r, boolean stream, Tokens tokens, Abort abort) {
        List<Map<String, Object>> turns = r.messages().stream().filter(m -> !"system".equals(m.get("role"))).toList();
        boolean native_ = turns.size() == 1 && "user".equals(turns.get(0).get("role")) && r.seed() == null && r.minP() == null && r.repeatPenalty() == null
                && (r.stop() == null || r.stop().isEmpty()) && !r.json();
        if (!native_) return Dialect.super.chat(http, r, stream, tokens, abort);
        var body = Json.obj("model", r.model(), "input", turns.get(0).get("content"), "stream", stream, "store", false);
        r.messages().stream().filter(m -> "system".equals(m.get("role"))).findFirst().ifPresent(m -> body.put("system_prompt", m.get("content")));
        if (r.temperature() != null) body.put("temperature", r.temperature());
        if (r.topP() != null) body.put("top_p", r.topP());
        if (r.topK() != null) body.put("top_k", r.topK());
        if (r.maxTokens() != null) body.put("max_output_tokens", r.maxTokens());
        if (r.reasoning() != null) body.put("reasoning", r.reasoning());
        var answer = new Answer(r.model(), tokens);
        if (!stream) {
            result(Completions.object(http.post(CHAT, body, abort), http, CHAT), answer, true);
        } else {
            http.stream(CHAT, body, abort, line -> {
                if (!line.startsWith("data:")) return true;   // "event: <type>" repeats the data's own "type"
                Map<String, Object> event = Completions.parseChunk(line.substring(5).strip(), http, CHAT);
                switch (String.valueOf(event.get("type"))) {
                    case "message.delta": answer.add(Completions.text(event.get("content")), null); break;
                    case "reasoning.delta": answer.add(null, Completions.text(event.get("content"))); break;
                    case "chat.end": result(Completions.map(event.get("result")), answer, false); return false;
                    default: break;                           // chat.start, prompt_processing.*, model_load.*, *.start, *.end
                }
                return true;
            });
            if (!answer.complete) throw Completions.cutShort(http, CHAT, answer);
        }
        return answer.finish();
    }

    /** The final result: output items (only read when not streamed, where the deltas already carried them) and stats. */
    private static void result(Map<String, Object> result, Answer answer, boolean readOutput) {
        if (readOutput && result.get("output") instanceof List<?> output) {
            for (Object item : output) {
                Map<String, Object> o = Completions.map(item);
                if ("message".equals(o.get("type"))) answer.add(Completions.text(o.get("content")), null);
                else if ("reasoning".equals(o.get("type"))) answer.add(null, Completions.text(o.get("content")));
            }
        }
        Map<String, Object> stats = Completions.map(result.get("stats"));
        answer.promptTokens = Completions.number(stats.get("input_tokens"));
        answer.completionTokens = Completions.number(stats.get("total_output_tokens"));
        if (stats.get("tokens_per_second") instanceof Number n) answer.tokensPerSecond = n.doubleValue();
        if (stats.get("time_to_first_token_seconds") instanceof Number n) answer.ttftSeconds = n.doubleValue();
        if (result.get("model_instance_id") instanceof String id) answer.model = id;
        answer.complete = true;
    }

    /** Blocks until LM Studio has loaded the model (it answers only then), up to HEARTH_LOAD_TIMEOUT. */
    @Override
    public ModelChange load(OpenAiClient http, String model, LoadOptions o, Polling polling, Abort abort) {
        // a second load would add a second instance (twice the memory): keep the one there is
        for (var m : Completions.list(http.get(MODELS, http.timeouts.total()), "models", http, MODELS)) {
            if (!model.equals(m.get("key")) || !(m.get("loaded_instances") instanceof List<?> l) || l.isEmpty()) continue;
            Map<String, Object> instance = Completions.map(l.get(0));
            return new ModelChange(model, Completions.text(instance.get("id")), "already loaded", null,
                    Completions.number(Completions.map(instance.get("config")).get("context_length")), "unload_model first to load it with other settings");
        }
        var body = Json.obj("model", model, "echo_load_config", true);
        if (o.contextLength() != null) body.put("context_length", o.contextLength());
        if (o.flashAttention() != null) body.put("flash_attention", o.flashAttention());
        // gpu and ttl are not in the REST v1 reference; mcp-llm-studio sends them under these names,
        // and an LM Studio that refuses them answers 400 naming the field
        if (o.gpu() != null) body.put("gpu", o.gpu());
        if (o.ttlSeconds() != null) body.put("ttl", o.ttlSeconds());
        Map<String, Object> reply = Completions.object(http.readJson("POST", LOAD, body, abort, polling.load()), http, LOAD);
        String instance = Completions.text(reply.get("instance_id"));
        if (instance == null) instance = Completions.text(reply.get("model_instance_id"));   // the name in LM Studio's 0.4 beta docs
        Double seconds = reply.get("load_time_seconds") instanceof Number n ? n.doubleValue() : null;
        Long context = Completions.number(Completions.map(reply.get("load_config")).get("context_length"));
        return new ModelChange(model, instance != null ? instance : model, "loaded", seconds, context, null);
    }

    /** LM Studio unloads instances: `model` is a model key (all its instances go) or one instance id. */
    @Override
    public ModelChange unload(OpenAiClient http, String model, Polling polling, Abort abort) {
        var instances = new LinkedHashSet<String>();
        var keys = new ArrayList<String>();
        boolean known = false;
        for (var m : Completions.list(http.get(MODELS, http.timeouts.total()), "models", http, MODELS)) {
            String key = String.valueOf(m.get("key"));
            keys.add(key);
            known |= key.equals(model);
            if (!(m.get("loaded_instances") instanceof List<?> loaded)) continue;
            for (Object i : loaded) {
                String id = Completions.text(Completions.map(i).get("id"));
                if (id != null && (key.equals(model) || id.equals(model))) instances.add(id);
            }
        }
        if (instances.isEmpty() && known) return new ModelChange(model, null, "not loaded", null, null, null);
        if (instances.isEmpty()) {
            throw new BackendException(BackendException.Kind.UNKNOWN_MODEL, "LM Studio has no model or loaded instance named '" + model
                    + "'; it has: " + (keys.isEmpty() ? "(none)" : String.join(", ", keys)) + " - pick one list_models shows");
        }
        for (String id : instances) http.post(UNLOAD, Json.obj("instance_id", id), abort);
        return new ModelChange(model, String.join(", ", instances), "unloaded", null, null, null);
    }

    /** Starts the download job, then polls its status until it is done, fails, or the budget is spent. */
    @Override
    public Download download(OpenAiClient http, String model, String quantization, Polling polling, Consumer<Download> progress, Abort abort) {
        var body = Json.obj("model", model);
        if (quantization != null) body.put("quantization", quantization);
        Map<String, Object> start = Completions.object(http.post(DOWNLOAD, body, abort), http, DOWNLOAD);
        String job = Completions.text(start.get("job_id"));
        if ("already_downloaded".equals(start.get("status"))) {
            return new Download(model, job, "already downloaded", Completions.number(start.get("total_size_bytes")), null, null);
        }
        if (job == null) throw http.malformed("POST", DOWNLOAD, "expected a job_id", Json.write(start));
        Download state = state(model, job, start);
        long until = System.nanoTime() + polling.budget().toNanos();
        boolean polled = false;                          // the answer reports at least one status, not only the start reply
        while (true) {
            if (state.state().equals("failed")) {
                throw new BackendException(BackendException.Kind.FAILED, "LM Studio's download of " + model + " failed (job " + job + ", "
                        + state.amount() + ") - check the name on lmstudio.ai/models or pass a full Hugging Face URL, and the disk space, then try again");
            }
            progress.accept(state);
            if (state.finished()) return state;
            long left = until - System.nanoTime();
            if (left <= 0 && polled) return state;        // the job carries on in LM Studio; its id is in the answer
            polling.pause(abort, left);
            if (abort.aborted()) throw http.cancelled(DOWNLOAD_STATUS + job);
            String path = DOWNLOAD_STATUS + job;
            state = state(model, job, Completions.object(http.readJson("GET", path, null, abort, http.timeouts.total()), http, path));
            polled = true;
        }
    }

    private static Download state(String model, String job, Map<String, Object> status) {
        String s = String.valueOf(status.get("status"));
        return new Download(model, job, s, Completions.number(status.get("total_size_bytes")),
                Completions.number(status.get("downloaded_bytes")), s);
    }
}
