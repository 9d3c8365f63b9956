package hearth.backend;

import hearth.json.Json;
import hearth.json.JsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// The OpenAI-compatible chat request and reply, shared by every dialect that speaks it: builds
// the /v1/chat/completions body from a ChatRequest, reads the whole reply or its SSE stream
// (data: lines, [DONE]), and checks the shape, so a malformed reply is a clear error, not a crash.
final class Completions {
    static final String PATH = "/v1/chat/completions";

    private Completions() {}

    static Map<String, Object> body(ChatRequest r, boolean stream, String repeatPenaltyKey) {
        var body = Json.obj();
        if (r.model() != null) body.put("model", r.model());
        body.put("messages", r.messages());
        body.put("stream", stream);
        if (stream) body.put("stream_options", Json.obj("include_usage", true));
        if (r.temperature() != null) body.put("temperature", r.temperature());
        if (r.maxTokens() != null) body.put("max_tokens", r.maxTokens());
        if (r.topP() != null) body.put("top_p", r.topP());
        if (r.topK() != null) body.put("top_k", r.topK());
        if (r.minP() != null) body.put("min_p", r.minP());
        if (r.repeatPenalty() != null) body.put(repeatPenaltyKey, r.repeatPenalty());
        if (r.seed() != null) body.put("seed", r.seed());
        if (r.stop() != null && !r.stop().isEmpty()) body.put("stop", r.stop());
        if (r.json()) body.put("response_format", Json.obj("type", "json_object"));
        return body;
    }

    static ChatReply send(OpenAiClient http, Dialect dialect, Map<String, Object> body, boolean stream, String model, Tokens tokens, Abort abort) {
        var answer = new Answer(model, tokens);
        if (!stream) {
            Map<String, Object> reply = object(http.post(PATH, body, abort), http, PATH);
            Map<String, Object> choice = firstChoice(reply, "message", http);
            Map<String, Object> message = map(choice.get("message"));
            answer.add(text(message.get("content")), reasoning(message));
            answer.finishReason = text(choice.get("finish_reason"));
            readUsage(reply, answer);
            dialect.extras(reply, answer);
            answer.complete = true;
            return answer.finish();
        }
        http.stream(PATH, body, abort, line -> {
            if (!line.startsWith("data:")) return true;            // event:, id:, and ": comment" lines carry nothing we need
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                answer.complete = true;
                return false;
            }
            Map<String, Object> chunk = parseChunk(data, http, PATH);
            if (chunk.get("choices") instanceof List<?> choices && !choices.isEmpty()) {
                Map<String, Object> choice = map(choices.get(0));
                Map<String, Object> delta = map(choice.get("delta"));
                answer.add(text(delta.get("content")), reasoning(delta));
                if (choice.get("finish_reason") instanceof String why) answer.finishReason = why;
            }
            readUsage(chunk, answer);
            dialect.extras(chunk, answer);
            return true;
        });
        if (!answer.complete && answer.finishReason == null) throw cutShort(http, PATH, answer);
        return answer.finish();
    }

    /** One streamed JSON object; an {"error": …} chunk is the backend reporting a failure mid-stream. */
    static Map<String, Object> parseChunk(String data, OpenAiClient http, String path) {
        Object parsed;
        try {
            parsed = Json.parse(data);
        } catch (JsonException e) {
            throw http.malformed("POST", path, "a streamed chunk is not JSON: " + e.getMessage(), data);
        }
        if (!(parsed instanceof Map<?, ?>)) throw http.malformed("POST", path, "a streamed chunk is not a JSON object", data);
        Map<String, Object> chunk = map(parsed);
        if (chunk.get("error") != null) {
            Object error = chunk.get("error");
            String message = error instanceof Map<?, ?> e && e.get("message") != null ? String.valueOf(e.get("message")) : Json.write(error);
            throw new BackendException(BackendException.Kind.HTTP_STATUS, 0, "backend at " + http.baseUrl + " reported an error in the middle of "
                    + path + ": " + OpenAiClient.snippet(message), null);
        }
        return chunk;
    }

    static BackendException cutShort(OpenAiClient http, String path, Answer answer) {
        String partial = answer.partial();
        return new BackendException(BackendException.Kind.MALFORMED, 0, "backend at " + http.baseUrl + " ended the stream of " + path
                + " before the reply was complete (" + answer.chunks() + " chunks received) - it may have crashed or run out of memory"
                + (partial.isBlank() ? "" : "; partial answer: " + OpenAiClient.snippet(partial)), null);
    }

    private static void readUsage(Map<String, Object> json, Answer answer) {
        if (json.get("usage") instanceof Map<?, ?> usage) {
            if (usage.get("prompt_tokens") instanceof Number n) answer.promptTokens = n.longValue();
            if (usage.get("completion_tokens") instanceof Number n) answer.completionTokens = n.longValue();
        }
        if (json.get("model") instanceof String m && !m.isEmpty()) answer.model = m;
    }

    private static Map<String, Object> firstChoice(Map<String, Object> reply, String field, OpenAiClient http) {
        if (reply.get("choices") instanceof List<?> choices && !choices.isEmpty() && choices.get(0) instanceof Map<?, ?> choice
                && choice.get(field) instanceof Map<?, ?>) {
            return map(choice);
        }
        throw http.malformed("POST", PATH, "expected choices[0]." + field, Json.write(reply));
    }

    /** reasoning_content (llama-server, vLLM < 0.10, LM Studio) or reasoning (vLLM, Ollama's OpenAI endpoint). */
    static String reasoning(Map<String, Object> message) {
        String r = text(message.get("reasoning_content"));
        return r != null ? r : text(message.get("reasoning"));
    }

    static Map<String, Object> object(Object reply, OpenAiClient http, String path) {
        if (reply instanceof Map<?, ?>) return map(reply);
        throw http.malformed("GET/POST", path, "expected a JSON object", reply == null ? "(empty body)" : Json.write(reply));
    }

    /** The array `field` of a JSON object reply, each element an object; anything else is malformed. */
    static List<Map<String, Object>> list(Object reply, String field, OpenAiClient http, String path) {
        Map<String, Object> object = object(reply, http, path);
        if (!(object.get(field) instanceof List<?> items)) throw http.malformed("GET", path, "expected a \"" + field + "\" array", Json.write(reply));
        var out = new ArrayList<Map<String, Object>>();
        for (Object item : items) if (item instanceof Map<?, ?>) out.add(map(item));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String text(Object o) {
        return o instanceof String s ? s : null;
    }

    static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }
}
