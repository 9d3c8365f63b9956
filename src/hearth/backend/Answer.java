package hearth.backend;

import hearth.config.Config;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// One reply as it is assembled, streamed or whole, and the thinking rules applied at the end:
// <think>…</think> blocks leave the answer (kept as reasoning), a reply whose only text is
// reasoning (reasoning_content / reasoning / thinking) is used as the answer. Counts and timings
// are whatever the dialect found; the clock starts when the Answer is made.
final class Answer {
    private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);

    private final long started = System.nanoTime();
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Tokens tokens;
    private long firstTokenAt;
    private int chunks;
    String model;
    Long promptTokens, completionTokens;
    Double ttftSeconds, tokensPerSecond;
    String finishReason;
    boolean complete;          // the backend said the reply is over ([DONE], done:true, chat.end, finish_reason)

    Answer(String model, Tokens tokens) {
        this.model = model;
        this.tokens = tokens;
    }

    /** A piece of the reply; either part may be null or empty. */
    void add(String contentDelta, String reasoningDelta) {
        boolean hasContent = contentDelta != null && !contentDelta.isEmpty(), hasReasoning = reasoningDelta != null && !reasoningDelta.isEmpty();
        if (!hasContent && !hasReasoning) return;
        if (firstTokenAt == 0) firstTokenAt = System.nanoTime();
        chunks++;
        if (hasContent) content.append(contentDelta);
        if (hasReasoning) reasoning.append(reasoningDelta);
        if (content.length() + reasoning.length() > Config.MAX_REPLY_CHARS) {
            throw new BackendException(BackendException.Kind.MALFORMED, "the reply passed " + Config.MAX_REPLY_CHARS
                    + " characters and was stopped - set max_tokens to bound it");
        }
        tokens.accept(hasContent ? contentDelta : "", hasReasoning ? reasoningDelta : "");
    }

    int chunks() {
        return chunks;
    }

    String partial() {
        return content.toString();
    }

    ChatReply finish() {
        double seconds = (System.nanoTime() - started) / 1e9;
        Double ttft = ttftSeconds != null ? ttftSeconds : firstTokenAt != 0 ? (firstTokenAt - started) / 1e9 : null;
        String text = content.toString();
        var thought = new StringBuilder(reasoning);
        Matcher m = THINK.matcher(text);
        var kept = new StringBuilder();
        while (m.find()) {
            append(thought, m.group(1));
            m.appendReplacement(kept, "");
        }
        m.appendTail(kept);
        text = kept.toString();
        int close = text.indexOf("</think>");   // a template that opens <think> in the prompt leaves only the close tag
        if (close >= 0 && !text.substring(0, close).contains("<think>")) {
            append(thought, text.substring(0, close));
            text = text.substring(close + "</think>".length());
        }
        int open = text.indexOf("<think>");      // thinking cut off by max_tokens: never closed
        if (open >= 0) {
            append(thought, text.substring(open + "<think>".length()));
            text = text.substring(0, open);
        }
        text = text.strip();
        String why = thought.toString().strip();
        boolean fromReasoning = text.isEmpty() && !why.isEmpty();
        if (fromReasoning) text = why;
        return new ChatReply(model, text, why.isEmpty() ? null : why, fromReasoning, promptTokens, completionTokens,
                seconds, ttft, tokensPerSecond, finishReason);
    }

    private static void append(StringBuilder into, String text) {
        if (text.isBlank()) return;
        if (into.length() > 0) into.append('\n');
        into.append(text.strip());
    }
}
