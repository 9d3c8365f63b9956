package hearth.backend;

// A model's answer with what the backend said about it. Token counts are null when the backend
// did not report them; seconds is wall time measured by hearth; ttftSeconds only when streamed or
// reported. `reasoning` holds thinking that was stripped or that arrived apart from the answer.
public record ChatReply(String model, String content, String reasoning, boolean answerFromReasoning, Long promptTokens,
                        Long completionTokens, double seconds, Double ttftSeconds, Double tokensPerSecond, String finishReason) {

    /** tok/s as the backend reported it, else completion tokens over the generation time hearth saw. */
    public Double speed() {
        if (tokensPerSecond != null) return tokensPerSecond;
        if (completionTokens == null || completionTokens == 0) return null;
        double generating = seconds - (ttftSeconds == null ? 0 : ttftSeconds);
        return generating > 0 ? completionTokens / generating : null;
    }
}
