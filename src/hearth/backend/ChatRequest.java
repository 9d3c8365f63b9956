package hearth.backend;

import java.util.List;
import java.util.Map;

// What a tool asks of a model, backend-neutral. Null means "not given": the dialect then sends
// nothing for it, so the backend's own default applies. `reasoning` is off/low/medium/high/on or null.
public record ChatRequest(String model, List<Map<String, Object>> messages, Double temperature, Long maxTokens,
                          Double topP, Long topK, Double minP, Double repeatPenalty, Long seed, List<String> stop, String reasoning, boolean json) {

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, temperature, maxTokens, topP, topK, minP, repeatPenalty, seed, stop, reasoning, json);
    }

    /** A rough token count of the prompt (4 characters a token, the usual English average). */
    int promptTokenEstimate() {
        int chars = 0;
        for (var m : messages) chars += String.valueOf(m.get("content")).length();
        return chars / 4 + 16 * messages.size();
    }
}
