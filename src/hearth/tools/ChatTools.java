package hearth.tools;

import hearth.backend.Abort;
import hearth.backend.Backend;
import hearth.backend.ChatReply;
import hearth.backend.ChatRequest;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Args;
import hearth.mcp.Call;
import hearth.mcp.Tool;
import hearth.mcp.ToolException;
import hearth.mcp.ToolResult;
import hearth.sessions.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// chat and quick_test: a prompt to the local model, answered with the badge, the text and the
// stats line, plus structuredContent. Streams from the backend when the client wants progress
// (chat) or TTFT must be measured (quick_test); a client's cancel aborts the backend request.
final class ChatTools {
    static final long DEFAULT_MAX_TOKENS = 4096;   // bounds a runaway generation; a thinking model may need more: pass max_tokens
    static final List<String> REASONING = List.of("off", "low", "medium", "high", "on");
    private static final String MATH_ANSWER = "9716";   // 347 × 28

    private ChatTools() {}

    static List<Tool> all(Config config, Backend backend, SessionStore sessions) {
        return List.of(
                new Tool("chat", "Ask the local model", "Send a message (or a conversation) to the model running on this machine and return "
                        + "its answer, labelled 🏠 LOCAL with token counts and speed. Private and free: good for drafts, summaries, reviews and "
                        + "questions that need no outside knowledge. `files` hands text files to the local model without you reading them. "
                        + "With `session_id` hearth keeps the conversation on disk, so later calls only send the new `message`.",
                        """
                        {"type": "object",
                         "properties": {
                           "message": {"type": "string", "description": "the prompt (a user turn)"},
                           "messages": {"type": "array", "description": "a whole conversation, oldest first; `message` is appended as the last user turn",
                                        "items": {"type": "object", "properties": {"role": {"type": "string", "enum": ["system", "user", "assistant"]},
                                                  "content": {"type": "string"}}, "required": ["role", "content"]}},
                           "system": {"type": "string", "description": "system prompt; with session_id, kept from the session's first turn"},
                           "session_id": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$",
                                          "description": "keep the conversation under this name (survives restarts); each call adds one turn; not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"},
                           "reset": {"type": "boolean", "description": "with session_id: clear the session first (alone: just clear it)"},
                           "model": {"type": "string", "description": "model name or tier (turbo, fast, default, quality); default: the active model"},
                           "temperature": {"type": "number", "minimum": 0, "maximum": 2},
                           "max_tokens": {"type": "integer", "minimum": 1, "description": "longest answer in tokens (default 4096)"},
                           "top_p": {"type": "number", "minimum": 0, "maximum": 1},
                           "top_k": {"type": "integer", "minimum": 0},
                           "min_p": {"type": "number", "minimum": 0, "maximum": 1, "description": "drop tokens less likely than this share of the likeliest one's"},
                           "repeat_penalty": {"type": "number", "minimum": 0.01, "maximum": 5, "description": "above 1 makes tokens already used less likely (1: off)"},
                           "seed": {"type": "integer"},
                           "stop": {"type": ["string", "array"], "items": {"type": "string"}, "description": "stop sequence(s)"},
                           "reasoning": {"type": "string", "enum": ["off", "low", "medium", "high", "on"], "description": "thinking switch, sent only when given"},
                           "show_reasoning": {"type": "boolean", "description": "include the model's thinking in the answer (default false)"},
                           "json": {"type": "boolean", "description": "ask for a JSON object as the answer"},
                           "files": {"type": "array", "items": {"type": "string"}, "description": "text files (under the client's roots) to append to the message"}},
                         "additionalProperties": false}
                        """, CHAT_OUTPUT, """
                        {"readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": false}
                        """, Report.guarded((args, call) -> chat(args, call, config, backend, sessions))),   // session_id writes a file; reset deletes it
                new Tool("quick_test", "Test the local model", "Run a fixed diagnostic prompt on the local model and report speed (tok/s), "
                        + "time to first token, tokens and seconds. Tests: hello (basic answer), code_review (code understanding), math (347 × 28, checked).",
                        """
                        {"type": "object",
                         "properties": {"test": {"type": "string", "enum": ["hello", "code_review", "math"], "description": "default hello"},
                                        "model": {"type": "string", "description": "model name or tier; default: the active model"}},
                         "additionalProperties": false}
                        """, QUICK_OUTPUT, """
                        {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": false, "openWorldHint": false}
                        """, Report.guarded((args, call) -> quickTest(args, call, config, backend))));
    }

    private static ToolResult chat(Args args, Call call, Config config, Backend backend, SessionStore sessions) throws Exception {
        String message = userMessage(args, call);
        if (args.has("session_id")) return SessionChat.chat(args.string("session_id"), message, args, call, config, backend, sessions);
        if (args.bool("reset", false)) throw new ToolException("argument 'reset' needs 'session_id': it clears that session");
        var messages = new ArrayList<Map<String, Object>>();
        String system = args.string("system", null);
        if (system != null) messages.add(Json.obj("role", "system", "content", system));
        messages.addAll(conversation(args.raw("messages")));
        if (message != null) messages.add(Json.obj("role", "user", "content", message));
        if (messages.stream().noneMatch(m -> !"system".equals(m.get("role")))) {
            throw new ToolException("argument 'message' is required (or 'messages', a conversation with at least one user turn)");
        }
        boolean show = args.bool("show_reasoning", false);
        ChatReply reply = run(backend, request(args, config, messages), call.wantsProgress(), call);
        return ToolResult.structured(Report.text(reply, show), Report.structured(reply, backend.kind(), show));
    }

    /** `message` with the `files` appended, or null when neither was given. */
    private static String userMessage(Args args, Call call) throws Exception {
        String message = args.string("message", null);
        List<String> files = args.strings("files");
        if (!files.isEmpty()) {
            String text = FileInputs.read(files, FileInputs.roots(call.roots()));
            message = (message == null ? "" : message + "\n\n") + text;
        }
        return message;
    }

    /** The backend request for `messages` with the sampling arguments of a chat call. */
    static ChatRequest request(Args args, Config config, List<Map<String, Object>> messages) throws Exception {
        var stop = args.strings("stop");
        return new ChatRequest(model(args, config), messages, args.number("temperature", 0, 2, null),
                args.integer("max_tokens", 1, 1_000_000, DEFAULT_MAX_TOKENS), args.number("top_p", 0, 1, null),
                args.integer("top_k", 0, 100_000, null), args.number("min_p", 0, 1, null), args.number("repeat_penalty", 0.01, 5, null),
                args.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, null),
                stop.isEmpty() ? null : stop, args.oneOf("reasoning", null, REASONING), args.bool("json", false));
    }

    /** Runs one chat with progress and cancellation wired to the MCP call. */
    static ChatReply run(Backend backend, ChatRequest request, boolean stream, Call call) {
        var abort = new Abort();
        call.onCancel(abort::abort);
        String shown = request.model() != null ? request.model() : backend.model();
        try (var progress = new Progress(call, shown == null ? "the model" : shown)) {
            return backend.chat(request, stream, progress, abort);
        }
    }

    private static ToolResult quickTest(Args args, Call call, Config config, Backend backend) throws Exception {
        String test = args.oneOf("test", "hello", List.of("hello", "code_review", "math"));
        String prompt = switch (test) {
            case "code_review" -> "Review this Python function in three short bullet points (bugs, style, a fix):\n\n"
                    + "def average(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n";
            case "math" -> "What is 347 × 28? Work it out, then give the final answer as a plain number on the last line.";
            default -> "Say hello and introduce yourself in one sentence.";
        };
        var request = new ChatRequest(model(args, config), List.of(Json.obj("role", "user", "content", prompt)), 0.2, 512L,
                null, null, null, null, null, null, null, false);
        ChatReply r = run(backend, request, true, call);
        Boolean passed = test.equals("math") ? r.content().replace(",", "").replace(" ", "").contains(MATH_ANSWER) : null;
        var text = new StringBuilder("Test: ").append(test).append("\nPrompt: ").append(prompt.lines().findFirst().orElse(""))
                .append("\n\nResponse:\n").append(r.content()).append("\n");
        if (passed != null) text.append(passed ? "\n✅ correct: 347 × 28 = 9716\n" : "\n❌ wrong: 347 × 28 = 9716, not found in the answer\n");
        text.append("\n---\n").append(Report.badge(r.model()));
        if (r.speed() != null) text.append(" · ").append(Report.fixed(r.speed(), 1)).append(" tok/s");
        if (r.ttftSeconds() != null) text.append(" · TTFT ").append(Report.fixed(r.ttftSeconds(), 2)).append('s');
        if (r.completionTokens() != null) text.append(" · ").append(r.completionTokens()).append(" tokens");
        text.append(" · ").append(Report.fixed(r.seconds(), 2)).append('s');
        var structured = Report.structured(r, backend.kind(), false);
        structured.put("test", test);
        structured.put("prompt", prompt);
        structured.put("passed", passed);
        return ToolResult.structured(text.toString(), structured);
    }

    /** The `model` argument, a tier name resolved to its model; null for the active model. */
    private static String model(Args args, Config config) throws Exception {
        String model = args.string("model", null);
        if (model == null || model.isBlank()) return null;
        Tiers.Tier tier = Tiers.byName(Tiers.load(config.home()), model);
        return tier != null ? tier.model() : model;
    }

    private static List<Map<String, Object>> conversation(Object raw) {
        if (raw == null) return List.of();
        if (!(raw instanceof List<?> list)) throw new ToolException("argument 'messages' must be a list of {role, content} objects");
        var out = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m) || !(m.get("content") instanceof String content)
                    || !(m.get("role") instanceof String role) || !List.of("system", "user", "assistant").contains(role)) {
                throw new ToolException("argument 'messages' item " + i + " must be {\"role\": system|user|assistant, \"content\": string}, got "
                        + Json.write(list.get(i)));
            }
            out.add(Json.obj("role", role, "content", content));
        }
        return out;
    }

    private static final String REPLY_OUTPUT = """
            {"type": "object",
             "properties": {
               "model": {"type": "string"}, "backend": {"type": "string"}, "text": {"type": "string"},
               "reasoning": {"type": "string"},
               "usage": {"type": "object", "properties": {"prompt_tokens": {"type": ["integer", "null"]},
                         "completion_tokens": {"type": ["integer", "null"]}, "total_tokens": {"type": ["integer", "null"]}}},
               "seconds": {"type": "number"}, "tokens_per_second": {"type": ["number", "null"]},
               "ttft_seconds": {"type": ["number", "null"]}, "finish_reason": {"type": ["string", "null"]}},
             "required": ["model", "backend", "text", "usage", "seconds"]}
            """;

    // REPLY_OUTPUT plus the session fields; only text is required, as reset alone answers without a reply
    private static final String CHAT_OUTPUT = extend(REPLY_OUTPUT, """
            {"session_id": {"type": "string"}, "session_turns": {"type": "integer", "description": "turns the session holds now"},
             "history_turns_sent": {"type": "integer", "description": "earlier turns sent with this one: the newest that fit the history limit"},
             "note": {"type": "string"}}
            """, required -> List.of("text"));

    private static final String QUICK_OUTPUT = extend(REPLY_OUTPUT, """
            {"test": {"type": "string"}, "prompt": {"type": "string"}, "passed": {"type": ["boolean", "null"]}}
            """, required -> java.util.stream.Stream.concat(java.util.stream.Stream.of("test", "passed"), required.stream()).toList());

    /** The object schema `base` with more `properties` and its required list as `required` makes it. */
    @SuppressWarnings("unchecked")
    private static String extend(String base, String properties, java.util.function.UnaryOperator<List<Object>> required) {
        Map<String, Object> schema = Json.parseObject(base);
        ((Map<String, Object>) schema.get("properties")).putAll(Json.parseObject(properties));
        schema.put("required", required.apply((List<Object>) schema.get("required")));
        return Json.write(schema);
    }
}
