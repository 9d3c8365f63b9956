package hearth.backend;

import hearth.config.Config;
import hearth.engine.EngineException;
import hearth.engine.LocalChat;
import hearth.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

// hearth's own engine as one more backend: a GGUF file (--model-file / HEARTH_MODEL_FILE) run in
// this process, so every tool works with no server at all. The only file outside src/hearth/engine
// that knows the engine exists. Sampling defaults are llama-server's; temperature 0 is greedy.
final class Embedded implements Dialect {
    static final int MAX_CONTEXT = 1 << 20;
    static final int MAX_THREADS = 1024;
    private final Path file;
    private final int maxContext;          // 0: the file's own
    private final String chatTemplate;     // null: the one the file names
    private final int threads;             // 0: one per core
    private volatile LocalChat chat;       // loaded by warmUp or on first use, never while answering initialize

    /**
     * The file and the engine's settings (context_length, chat_template, threads); nothing is loaded
     * yet. A value the engine cannot take is an IllegalArgumentException naming the setting, its
     * value and where it came from: the server then does not start.
     */
    Embedded(Path file, Config config) {
        this.file = file;
        this.maxContext = config.count("context_length", MAX_CONTEXT);
        this.threads = config.count("threads", MAX_THREADS);
        this.chatTemplate = config.get("chat_template");
        if (chatTemplate != null && !LocalChat.CHAT_TEMPLATES.contains(chatTemplate)) {
            throw new IllegalArgumentException("chat_template must be one of " + String.join(", ", LocalChat.CHAT_TEMPLATES)
                    + ", got '" + chatTemplate + "' from " + config.value("chat_template").source());
        }
    }

    /** The model file and what it holds, or why hearth cannot run it (BackendException), without loading its weights: for doctor. */
    String describe() {
        try {
            return file + " (" + LocalChat.describe(file, chatTemplate) + ")";
        } catch (EngineException e) {
            throw unusable(e);
        }
    }

    private BackendException unusable(EngineException e) {
        return new BackendException(BackendException.Kind.UNREACHABLE, "cannot run model file " + file + ": " + e.getMessage());
    }

    public String kind() { return "embedded"; }
    public String label() { return "hearth's embedded engine"; }
    public int defaultPort() { return 0; }
    public String startHint() { return "nothing to start: hearth runs " + file + " itself"; }

    @Override
    public String lifecycleHint() {
        return "hearth's engine runs the one file it was given, with the context and template of its settings: restart hearth with "
                + "--model-file <other.gguf> (HEARTH_MODEL_FILE), --context-length N (HEARTH_CONTEXT_LENGTH) or --chat-template NAME (HEARTH_CHAT_TEMPLATE)";
    }

    String location() {
        return file.toUri().toString();
    }

    @Override
    public Health health(OpenAiClient http) {
        return new Health(kind(), Config.VERSION, 1, 1, chat().modelName());
    }

    @Override
    public List<ModelInfo> models(OpenAiClient http) {
        LocalChat c = chat();
        Long size = null;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            // the size is optional in a listing
        }
        return List.of(new ModelInfo(c.modelName(), true, size, null, (long) c.contextLength(), "llm"));
    }

    @Override
    public String defaultModel(OpenAiClient http) {
        return chat().modelName();
    }

    @Override
    public ChatReply chat(OpenAiClient http, ChatRequest request, boolean stream, Tokens tokens, Abort abort) {
        var answer = new Answer(chat().modelName(), stream ? tokens : Tokens.NONE);
        try {
            var sampling = new Engine.Sampling(orDefault(request.temperature(), 0.8), orDefault(request.topP(), 0.95),
                    request.topK() == null ? 40 : request.topK().intValue(), orDefault(request.minP(), 0.05), orDefault(request.repeatPenalty(), 1.0),
                    request.seed() == null ? System.nanoTime() : request.seed());
            LocalChat.Reply reply = chat().chat(request.messages(), sampling, request.maxTokens() == null ? 4096 : request.maxTokens().intValue(),
                    request.stop() == null ? List.of() : request.stop(), piece -> answer.add(piece, null), abort::aborted);
            if (reply.stopReason().equals("cancelled")) throw new BackendException(BackendException.Kind.CANCELLED, "the generation was cancelled");
            answer.promptTokens = (long) reply.promptTokens();
            answer.completionTokens = (long) reply.completionTokens();
            answer.ttftSeconds = reply.promptMillis() / 1000.0;
            if (reply.generationMillis() > 0) answer.tokensPerSecond = reply.completionTokens() * 1000.0 / reply.generationMillis();
            answer.finishReason = reply.stopReason();
            return answer.finish();
        } catch (EngineException e) {
            throw new BackendException(BackendException.Kind.MALFORMED, "the embedded engine could not answer: " + e.getMessage());
        }
    }

    @Override
    public List<List<Double>> embed(OpenAiClient http, String model, List<String> input, Abort abort) {
        throw unsupported("embeddings");
    }

    /** Loads the file and runs it through a few tokens, so the first answer finds the kernels compiled. */
    void warmUp() {
        chat().warmUp();
    }

    private LocalChat chat() {
        LocalChat c = chat;
        if (c != null) return c;
        synchronized (this) {
            if (chat == null) {
                try {
                    chat = LocalChat.load(file, maxContext, chatTemplate, threads);
                } catch (EngineException e) {
                    throw unusable(e);
                }
            }
            return chat;
        }
    }

    private static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}
