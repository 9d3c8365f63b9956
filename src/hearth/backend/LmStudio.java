package hearth.backend;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// LM Studio (port 1234), through its native REST API (/api/v1, LM Studio 0.4+): models with
// loaded instances, size, quantisation and context; chat with `reasoning` and stats (tok/s,
// TTFT). The native chat takes one user turn, so multi-turn, `seed`, `stop` and `json` requests go
// to the OpenAI-compatible endpoint instead.
final class LmStudio implements Dialect {
    private static final String CHAT = "/api/v1/chat";
    private static final String MODELS = "/api/v1/models";

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
        boolean native_ = turns.size() == 1 && "user".equals(turns.get(0).get("role")) && r.seed() == null
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
}
