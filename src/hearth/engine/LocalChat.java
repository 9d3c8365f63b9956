package hearth.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

// The engine as a chat model, the one door the rest of hearth uses: chat messages in, through the
// GGUF's own chat template and tokenizer, text out as it is generated, with stop strings and
// cancellation between two tokens. Tokenized as llama-server tokenizes a chat prompt (BOS per the
// vocabulary, special tokens parsed); end-of-generation tokens end the answer and are not shown.
public final class LocalChat {
    /** One answer; stopReason is "stop" (end of generation or a stop string), "length" or "cancelled". */
    public record Reply(String text, int promptTokens, int completionTokens, long promptMillis, long generationMillis, String stopReason) {}

    private static final String WARM_UP_MESSAGE = "Write one sentence about a warm hearth in winter.";
    private static final int WARM_UP_TOKENS = 16;

    private final AtomicInteger chatsWaiting = new AtomicInteger();   // chats called and not yet answered, see warmUp

    private final Path file;
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;

    /** The names `load`'s chatTemplate takes, in llama.cpp's spelling (its --chat-template). */
    public static final List<String> CHAT_TEMPLATES = ChatTemplate.NAMES;

    private LocalChat(Path file, Engine engine, Tokenizer tokenizer, ChatTemplate template) {
        this.file = file;
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * Maps the file, reads its tokenizer and template, then its weights (Engine.hold); chatTemplate
     * (null: the model's own) names one of CHAT_TEMPLATES; threads 0 is one per core.
     */
    public static LocalChat load(Path file, int maxContext, String chatTemplate, int threads) {
        requireFile(file);
        LocalChat chat = open(file, maxContext, chatTemplate, threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        chat.engine.hold();            // the file's metadata is garbage by now, see Engine.hold
        return chat;
    }

    private static LocalChat open(Path file, int maxContext, String chatTemplate, int threads) {
        Gguf gguf = Gguf.open(file);   // not kept: once the tokenizer has copied the vocabulary, its metadata is garbage
        Engine engine = Engine.load(gguf, maxContext, threads);
        ChatTemplate template = ChatTemplate.detect(gguf.string("tokenizer.chat_template", null), chatTemplate);
        return new LocalChat(file, engine, Tokenizer.from(gguf.metadata()), template);
    }

    /**
     * What the file holds, read from its header, vocabulary and template without holding its
     * weights (for doctor); an EngineException says why hearth cannot run it.
     */
    public static String describe(Path file, String chatTemplate) {
        requireFile(file);
        Gguf gguf = Gguf.open(file);
        Model model = new Model(gguf);
        Tokenizer.from(gguf.metadata());
        ChatTemplate template = ChatTemplate.detect(gguf.string("tokenizer.chat_template", null), chatTemplate);
        String name = gguf.string("general.name", "");
        long mib;
        try {
            mib = Files.size(file) >> 20;
        } catch (java.io.IOException e) {
            throw new EngineException("cannot read " + file + ": " + e.getMessage());
        }
        return (name.isBlank() ? file.getFileName().toString() : name) + ": " + model.architecture + ", " + mib + " MiB, trained context "
                + model.trainedContext + ", chat template " + template.name();
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) throw new EngineException("model file " + file + " does not exist or is not a file; pass the path of a .gguf file");
    }

    public String modelName() {
        String name = engine.modelName();
        return name == null || name.isBlank() ? file.getFileName().toString().replaceFirst("\\.gguf$", "") : name;
    }

    public Path file() { return file; }
    public String architecture() { return engine.architecture(); }
    public int contextLength() { return engine.contextLength(); }
    public String templateName() { return template.name(); }

    /** messages: maps with "role" and "content" (a string). onText gets each piece of the answer as it is decoded. */
    public Reply chat(List<Map<String, Object>> messages, Engine.Sampling sampling, int maxTokens, List<String> stop,
                      Consumer<String> onText, BooleanSupplier cancelled) {
        var turns = new ArrayList<ChatTemplate.Message>();
        for (Map<String, Object> m : messages) {
            if (!(m.get("content") instanceof String content)) throw new EngineException("message content must be text for the embedded engine");
            turns.add(new ChatTemplate.Message(String.valueOf(m.get("role")), content));
        }
        int[] prompt = prompt(turns);
        var text = new StringBuilder();
        var decoder = tokenizer.decoder();
        boolean[] stopped = {false};
        int[] shown = {0};   // chars of text already handed to onText; a possible stop-string prefix is held back
        chatsWaiting.incrementAndGet();
        Engine.Result result;
        try {
            result = engine.generate(prompt, sampling, maxTokens, token -> {
                if (tokenizer.isEog(token)) return;
                text.append(decoder.next(token));
                int cut = stopAt(text, stop);
                if (cut >= 0) { text.setLength(cut); stopped[0] = true; }
                int safe = stopped[0] ? text.length() : text.length() - heldBack(text, stop);
                if (safe > shown[0]) { onText.accept(text.substring(shown[0], safe)); shown[0] = safe; }
            }, () -> stopped[0] || cancelled.getAsBoolean());
        } finally {
            chatsWaiting.decrementAndGet();
        }
        if (!stopped[0]) {
            text.append(decoder.finish());
            if (text.length() > shown[0]) onText.accept(text.substring(shown[0]));
        }
        String reason = stopped[0] ? "stop" : result.stopReason();
        return new Reply(text.toString(), result.promptTokens(), result.completionTokens(), result.promptMillis(), result.generationMillis(), reason);
    }

    /**
     * A short greedy answer, thrown away: the JIT compiles the kernels of a prompt batch and of
     * single tokens, so a real answer after it runs at full speed. A 1.5B model's first answer
     * after spawn took 10 s, against 1.5 s for the next. It gives way to a chat that comes in.
     */
    public void warmUp() {
        engine.generate(prompt(List.of(new ChatTemplate.Message("user", WARM_UP_MESSAGE))), Engine.Sampling.greedy(), WARM_UP_TOKENS, token -> { }, () -> chatsWaiting.get() > 0);
    }

    /** The turns through the template, tokenized as llama-server tokenizes a chat prompt. */
    private int[] prompt(List<ChatTemplate.Message> turns) {
        return tokenizer.encode(template.render(turns, true), true, true);
    }

    private static int stopAt(StringBuilder text, List<String> stop) {
        int best = -1;
        for (String s : stop) {
            int i = s.isEmpty() ? -1 : text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** How many trailing chars could be the start of a stop string, and so must wait for the next token. */
    private static int heldBack(StringBuilder text, List<String> stop) {
        int held = 0;
        for (String s : stop) {
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--) {
                if (text.substring(text.length() - k).equals(s.substring(0, k))) { held = k; break; }
            }
        }
        return held;
    }
}
