package hearth.tools;

import hearth.backend.BackendException;
import hearth.backend.ChatReply;
import hearth.json.Json;
import hearth.mcp.Tool;
import hearth.mcp.ToolException;
import java.util.Map;

// How a model's answer reads: the `🏠 LOCAL · model` badge first, the stats line last
// (`Tokens: 12 prompt + 48 completion = 60 total | 1.24s | 38.7 tok/s | TTFT 0.21s`), and the same
// facts as structuredContent. Also turns a BackendException into the tool error the client sees.
final class Report {
    private Report() {}

    static String badge(String model) {
        return "🏠 LOCAL · " + model;
    }

    static String text(ChatReply r, boolean showReasoning) {
        var out = new StringBuilder(badge(r.model())).append("\n\n");
        if (showReasoning && r.reasoning() != null && !r.answerFromReasoning()) out.append("<think>\n").append(r.reasoning()).append("\n</think>\n\n");
        if (r.answerFromReasoning()) out.append("(the model answered only in its reasoning; shown as the answer)\n\n");
        out.append(r.content()).append("\n\n---\n").append(stats(r));
        return out.toString();
    }

    static String stats(ChatReply r) {
        String tokens = r.promptTokens() == null && r.completionTokens() == null ? "Tokens: not reported"
                : "Tokens: " + n(r.promptTokens()) + " prompt + " + n(r.completionTokens()) + " completion = "
                  + (r.promptTokens() == null || r.completionTokens() == null ? "?" : r.promptTokens() + r.completionTokens()) + " total";
        var line = new StringBuilder(tokens).append(" | ").append(fixed(r.seconds(), 2)).append('s');
        if (r.speed() != null) line.append(" | ").append(fixed(r.speed(), 1)).append(" tok/s");
        if (r.ttftSeconds() != null) line.append(" | TTFT ").append(fixed(r.ttftSeconds(), 2)).append('s');
        return line.toString();
    }

    /** `v` with `digits` (0-9) decimals, halves away from zero, and a '.' whatever the default locale; a tenth the cost of String.format. */
    static String fixed(double v, int digits) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        long scale = 1;
        for (int i = 0; i < digits; i++) scale *= 10;
        long units = Math.round(Math.abs(v) * scale);
        String frac = Long.toString(scale + units % scale).substring(1);
        return (v < 0 && units != 0 ? "-" : "") + units / scale + (digits == 0 ? "" : "." + frac);
    }

    static Map<String, Object> structured(ChatReply r, String backend, boolean showReasoning) {
        var usage = Json.obj("prompt_tokens", r.promptTokens(), "completion_tokens", r.completionTokens(),
                "total_tokens", r.promptTokens() == null || r.completionTokens() == null ? null : r.promptTokens() + r.completionTokens());
        var out = Json.obj("model", r.model(), "backend", backend, "text", r.content(), "usage", usage, "seconds", round(r.seconds()),
                "tokens_per_second", r.speed() == null ? null : round(r.speed()), "ttft_seconds", r.ttftSeconds() == null ? null : round(r.ttftSeconds()),
                "finish_reason", r.finishReason());
        if (showReasoning && r.reasoning() != null) out.put("reasoning", r.reasoning());
        return out;
    }

    /** Runs a handler with backend failures turned into tool errors (isError results), never protocol errors. */
    static Tool.Handler guarded(Tool.Handler handler) {
        return (args, call) -> {
            try {
                return handler.call(args, call);
            } catch (BackendException e) {
                throw new ToolException(e.getMessage(), e);
            }
        };
    }

    static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    private static String n(Long v) {
        return v == null ? "?" : v.toString();
    }
}
