package hearth.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.testing.FakeBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Each dialect against a loopback server answering as that backend's documentation shows
// (replies and errors): kind detection, models, health, chat whole and streamed, thinking switches.
class DialectsTest {
    @TempDir Path home;
    FakeBackend fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeBackend();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private Backend backend(String... more) throws Exception {
        return Fakes.backend(home, fake.url(), more);
    }

    // --- Ollama: docs.ollama.com/api ---
    private void ollama() {
        fake.json("GET /api/version", 200, "{\"version\":\"0.6.2\"}")
            .json("GET /api/tags", 200, """
                {"models":[{"name":"qwen2.5-coder:7b","model":"qwen2.5-coder:7b","modified_at":"2025-05-04T17:37:44.706015396-07:00",
                  "size":4683087332,"digest":"dae161e27b0e","details":{"parent_model":"","format":"gguf","family":"qwen2","families":["qwen2"],
                  "parameter_size":"7.6B","quantization_level":"Q4_K_M"}},
                 {"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189,"details":{"format":"gguf","quantization_level":"Q4_K_M"}}]}
                """)
            .json("GET /api/ps", 200, """
                {"models":[{"name":"qwen2.5-coder:7b","model":"qwen2.5-coder:7b","size":6654289920,"digest":"dae161e27b0e",
                  "details":{"format":"gguf","quantization_level":"Q4_K_M"},"expires_at":"2025-05-04T18:07:44Z","size_vram":6654289920,"context_length":8192}]}
                """);
    }

    @Test
    void ollama_detectedModelsAndHealth() throws Exception {
        ollama();
        var b = backend();
        assertEquals("ollama", b.kind());
        var models = b.models();
        assertEquals(new ModelInfo("qwen2.5-coder:7b", true, 4683087332L, "Q4_K_M", 8192L, null), models.get(0));
        assertEquals(false, models.get(1).loaded());
        assertEquals("qwen2.5-coder:7b", b.model());
        var h = b.health();
        assertEquals("0.6.2", h.version());
        assertEquals(1, h.loaded());
        assertEquals(2, h.available());
    }

    @Test
    void ollama_chat_nativeWithNumCtxKeepAlive_noThinkUnlessAsked() throws Exception {
        ollama();
        fake.json("POST /api/chat", 200, """
            {"model":"qwen2.5-coder:7b","created_at":"2023-12-12T14:13:43.416799Z","message":{"role":"assistant","content":"Hello! How are you today?"},
             "done":true,"done_reason":"stop","total_duration":5191566416,"load_duration":2154458,"prompt_eval_count":26,
             "prompt_eval_duration":383809000,"eval_count":298,"eval_duration":4799921000}
            """);
        var r = backend().chat(Fakes.ask("hi"), false, Tokens.NONE, new Abort());
        var sent = fake.last("/api/chat").json();
        assertEquals("qwen2.5-coder:7b", sent.get("model"));
        assertEquals(8192L, ((Map<?, ?>) sent.get("options")).get("num_ctx"));
        assertEquals(Ollama.KEEP_ALIVE, sent.get("keep_alive"));
        assertFalse(sent.containsKey("think"));
        assertEquals("Hello! How are you today?", r.content());
        assertEquals(26L, r.promptTokens());
        assertEquals(298L, r.completionTokens());
        assertEquals(298 / 4.799921, r.speed(), 1e-6);
    }

    @Test
    void ollama_stream_ndjsonWithThinking() throws Exception {
        ollama();
        fake.ndjson("POST /api/chat",
                "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Let me see.\"},\"done\":false}",
                "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Paris\"},\"done\":false}",
                "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":9,\"eval_count\":3,\"eval_duration\":30000000}");
        var r = backend().chat(Fakes.ask("capital?", "high"), true, Tokens.NONE, new Abort());
        assertEquals("high", fake.last("/api/chat").json().get("think"));
        assertEquals("Paris", r.content());
        assertEquals("Let me see.", r.reasoning());
        assertEquals(100.0, r.speed(), 1e-6);
    }

    @Test
    void ollama_reasoningOff_sendsThinkFalse_modelNotFoundQuoted() throws Exception {
        ollama();
        fake.json("POST /api/chat", 404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}");
        var e = assertThrows(BackendException.class, () -> backend().chat(Fakes.ask("x", "off").withModel("nope"), false, Tokens.NONE, new Abort()));
        assertEquals(false, fake.last("/api/chat").json().get("think"));
        assertTrue(e.getMessage().contains("404") && e.getMessage().contains("try pulling it first"), e.getMessage());
    }

    @Test
    void ollama_numCtx_growsWithPrompt() {
        var big = Fakes.ask("x".repeat(100_000));
        assertEquals(32768, Ollama.contextFor(big));
    }

    @Test
    void ollama_numCtx_cappedAtTheTrainedContext_askedOncePerModel() throws Exception {
        ollama();
        fake.json("POST /api/show", 200, """
            {"modelfile":"# Modelfile","parameters":"","template":"{{ .Prompt }}","details":{"family":"llama","parameter_size":"1B"},
             "model_info":{"general.architecture":"llama","general.parameter_count":1235814432,"llama.context_length":4096},"capabilities":["completion"]}
            """);
        fake.json("POST /api/chat", 200, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"done\":true}");
        var b = backend();
        b.chat(Fakes.ask("x".repeat(100_000)), false, Tokens.NONE, new Abort());
        assertEquals("qwen2.5-coder:7b", fake.last("/api/show").json().get("model"));
        assertEquals(4096L, ((Map<?, ?>) fake.last("/api/chat").json().get("options")).get("num_ctx"));
        b.chat(Fakes.ask("short"), false, Tokens.NONE, new Abort());
        assertEquals(4096L, ((Map<?, ?>) fake.last("/api/chat").json().get("options")).get("num_ctx"));
        assertEquals(1, fake.requests.stream().filter(q -> q.path().equals("/api/show")).count());
    }

    // --- LM Studio: lmstudio.ai/docs/developer/rest (native /api/v1) ---
    private void lmstudio() {
        fake.json("GET /api/v1/models", 200, """
            {"models":[{"type":"llm","publisher":"qwen","key":"qwen/qwen3-4b-2507","display_name":"Qwen3 4B 2507","architecture":"qwen3",
              "quantization":{"name":"Q4_K_M","bits_per_weight":4.5},"size_bytes":2497281280,"params_string":"4B",
              "loaded_instances":[{"id":"qwen/qwen3-4b-2507","config":{"context_length":4096}}],"max_context_length":262144,"format":"gguf",
              "capabilities":{"vision":false,"trained_for_tool_use":true}},
             {"type":"embedding","publisher":"nomic-ai","key":"text-embedding-nomic-embed-text-v1.5","loaded_instances":[],"size_bytes":84106624,
              "max_context_length":2048,"format":"gguf"}]}
            """);
    }

    @Test
    void lmstudio_detectedAndModels() throws Exception {
        lmstudio();
        var b = backend();
        assertEquals("lmstudio", b.kind());
        assertEquals(new ModelInfo("qwen/qwen3-4b-2507", true, 2497281280L, "Q4_K_M", 262144L, "llm"), b.models().get(0));
        assertEquals("qwen/qwen3-4b-2507", b.model());
    }

    @Test
    void lmstudio_nativeChat_reasoningAndStats() throws Exception {
        lmstudio();
        fake.json("POST /api/v1/chat", 200, """
            {"model_instance_id":"qwen/qwen3-4b-2507","output":[{"type":"reasoning","content":"The user greets."},
              {"type":"message","content":"Hello there!"}],
             "stats":{"input_tokens":12,"total_output_tokens":40,"reasoning_output_tokens":30,"tokens_per_second":51.4,"time_to_first_token_seconds":0.111},
             "response_id":"resp_abc"}
            """);
        var r = backend().chat(Fakes.ask("hi", "low"), false, Tokens.NONE, new Abort());
        var sent = fake.last("/api/v1/chat").json();
        assertEquals("hi", sent.get("input"));
        assertEquals("low", sent.get("reasoning"));
        assertEquals(64L, sent.get("max_output_tokens"));
        assertEquals("Hello there!", r.content());
        assertEquals("The user greets.", r.reasoning());
        assertEquals(51.4, r.speed());
        assertEquals(0.111, r.ttftSeconds());
    }

    @Test
    void lmstudio_nativeStream_events() throws Exception {
        lmstudio();
        fake.sse("POST /api/v1/chat", "event: chat.start\ndata: {\"type\":\"chat.start\",\"model_instance_id\":\"qwen/qwen3-4b-2507\"}",
                "event: prompt_processing.progress\ndata: {\"type\":\"prompt_processing.progress\",\"progress\":0.5}",
                "event: message.delta\ndata: {\"type\":\"message.delta\",\"content\":\"Hel\"}",
                "event: message.delta\ndata: {\"type\":\"message.delta\",\"content\":\"lo\"}",
                "event: chat.end\ndata: {\"type\":\"chat.end\",\"result\":{\"model_instance_id\":\"qwen/qwen3-4b-2507\",\"output\":[{\"type\":\"message\",\"content\":\"Hello\"}],"
                        + "\"stats\":{\"input_tokens\":5,\"total_output_tokens\":2,\"tokens_per_second\":20.0,\"time_to_first_token_seconds\":0.2}}}");
        var r = backend().chat(Fakes.ask("hi"), true, Tokens.NONE, new Abort());
        assertEquals("Hello", r.content());
        assertEquals(2L, r.completionTokens());
    }

    @Test
    void lmstudio_multiTurn_usesOpenAiEndpoint() throws Exception {
        lmstudio();
        fake.json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1,\"total_tokens\":21}}");
        var request = new ChatRequest("qwen/qwen3-4b-2507", List.of(Map.of("role", "user", "content", "2+2?"), Map.of("role", "assistant", "content", "4"),
                Map.of("role", "user", "content", "again?")), null, null, null, null, null, null, null, null, null, false);
        assertEquals("4", backend().chat(request, false, Tokens.NONE, new Abort()).content());
    }

    // --- llama-server: github.com/ggml-org/llama.cpp/tree/master/tools/server ---
    private void llamacpp() {
        fake.json("GET /health", 200, "{\"status\":\"ok\"}")
            .json("GET /props", 200, "{\"default_generation_settings\":{\"n_ctx\":8192},\"total_slots\":4,\"model_path\":\"/m/tiny.gguf\",\"build_info\":\"b5000-abcdef\"}")
            .json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"tiny-qwen2\",\"object\":\"model\",\"created\":1,\"owned_by\":\"llamacpp\","
                    + "\"meta\":{\"vocab_type\":2,\"n_vocab\":151936,\"n_ctx_train\":4096,\"n_embd\":64,\"n_params\":9798208,\"size\":19597568}}]}");
    }

    @Test
    void llamacpp_detectedHealthAndTimings() throws Exception {
        llamacpp();
        fake.json("POST /v1/chat/completions", 200, """
            {"choices":[{"finish_reason":"length","index":0,"message":{"role":"assistant","content":"<think>hmm</think>Hi!"}}],
             "created":1,"model":"tiny-qwen2","object":"chat.completion","usage":{"completion_tokens":8,"prompt_tokens":10,"total_tokens":18},
             "timings":{"prompt_n":10,"prompt_ms":12.5,"prompt_per_token_ms":1.25,"prompt_per_second":800.0,"predicted_n":8,"predicted_ms":100.0,
                        "predicted_per_token_ms":12.5,"predicted_per_second":80.0}}
            """);
        var b = backend();
        assertEquals("llamacpp", b.kind());
        assertEquals("b5000-abcdef", b.health().version());
        var r = b.chat(Fakes.ask("hi", "off"), false, Tokens.NONE, new Abort());
        assertEquals(Map.of("enable_thinking", false), fake.last("/v1/chat/completions").json().get("chat_template_kwargs"));
        assertEquals("Hi!", r.content());
        assertEquals("hmm", r.reasoning());
        assertEquals(80.0, r.speed());
        assertEquals(0.0125, r.ttftSeconds(), 1e-9);
    }

    @Test
    void samplingArguments_sentUnderEachBackendsOwnNames_andOnlyWhenGiven() throws Exception {
        llamacpp();
        fake.json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
        var b = backend();
        b.chat(Fakes.sampled("hi"), false, Tokens.NONE, new Abort());
        var sent = fake.last("/v1/chat/completions").json();   // llama-server's names (tools/server/README.md)
        assertEquals(List.of(20L, 0.1, 1.15), List.of(sent.get("top_k"), sent.get("min_p"), sent.get("repeat_penalty")));
        b.chat(Fakes.ask("hi"), false, Tokens.NONE, new Abort());
        sent = fake.last("/v1/chat/completions").json();
        for (String key : List.of("top_k", "min_p", "repeat_penalty", "repetition_penalty")) assertFalse(sent.containsKey(key), key + " sent unasked: " + sent);

        var vllm = Fakes.backend(home, fake.url(), "backend", "vllm");   // vLLM's sampling params call it repetition_penalty
        vllm.chat(Fakes.sampled("hi"), false, Tokens.NONE, new Abort());
        sent = fake.last("/v1/chat/completions").json();
        assertEquals(List.of(0.1, 1.15), List.of(sent.get("min_p"), sent.get("repetition_penalty")));
        assertFalse(sent.containsKey("repeat_penalty"));
    }

    @Test
    void samplingArguments_ollamaOptions_andLmStudioLeavesItsNativeApiForThem() throws Exception {
        ollama();
        fake.json("POST /api/chat", 200, "{\"model\":\"qwen2.5-coder:7b\",\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":1}");
        backend().chat(Fakes.sampled("hi"), false, Tokens.NONE, new Abort());
        var options = (Map<?, ?>) fake.last("/api/chat").json().get("options");
        assertEquals(List.of(20L, 0.1, 1.15), List.of(options.get("top_k"), options.get("min_p"), options.get("repeat_penalty")));

        fake.close();
        fake = new FakeBackend();
        lmstudio();
        fake.json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
        backend().chat(Fakes.sampled("hi"), false, Tokens.NONE, new Abort());
        var sent = fake.last("/v1/chat/completions").json();   // the native /api/v1/chat has no repeat penalty; the OpenAI-compatible one does
        assertEquals(List.of(0.1, 1.15), List.of(sent.get("min_p"), sent.get("repeat_penalty")));
        assertTrue(fake.requests.stream().noneMatch(r -> r.path().equals("/api/v1/chat")), "not the native API");
    }

    @Test
    void llamacpp_loading503_isHttpError() throws Exception {
        fake.json("GET /health", 503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");
        var e = assertThrows(BackendException.class, () -> backend("backend", "llamacpp").health());
        assertTrue(e.getMessage().contains("503") && e.getMessage().contains("Loading model"), e.getMessage());
    }

    // --- oMLX: /health unauthenticated, key and model required ---
    private void omlx() {
        fake.json("GET /health", 200, "{\"status\":\"healthy\",\"default_model\":null,\"engine_pool\":{\"model_count\":4,\"loaded_count\":1,"
                + "\"max_model_memory\":34359738368,\"current_model_memory\":9663676416},\"mcp\":null}");
    }

    @Test
    void omlx_detected_requiresModel_thinkingOnlyWhenAsked() throws Exception {
        omlx();
        fake.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[]}");
        var b = backend("api_key", "k");
        assertEquals("omlx", b.kind());
        assertEquals(1, b.health().loaded());
        assertEquals(4, b.health().available());
        var e = assertThrows(BackendException.class, () -> b.chat(Fakes.ask("hi"), false, Tokens.NONE, new Abort()));
        assertEquals(BackendException.Kind.NO_MODEL, e.kind);
        fake.json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"reasoning_content\":\"The answer is 4.\"},\"finish_reason\":\"stop\"}]}");
        var r = b.chat(Fakes.ask("2+2?").withModel("Qwen3-8B"), false, Tokens.NONE, new Abort());
        assertFalse(fake.last("/v1/chat/completions").json().containsKey("enable_thinking"));
        assertEquals("The answer is 4.", r.content());
        assertTrue(r.answerFromReasoning());
        b.chat(Fakes.ask("2+2?", "on").withModel("Qwen3-8B"), false, Tokens.NONE, new Abort());
        assertEquals(true, fake.last("/v1/chat/completions").json().get("enable_thinking"));
    }

    @Test
    void omlx_missingModel422_quoted() throws Exception {
        omlx();
        fake.json("POST /v1/chat/completions", 422, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"model\"],\"msg\":\"Field required\"}]}");
        var e = assertThrows(BackendException.class, () -> backend("model", "x").chat(Fakes.ask("hi"), false, Tokens.NONE, new Abort()));
        assertTrue(e.getMessage().contains("422") && e.getMessage().contains("Field required"), e.getMessage());
    }

    // --- vLLM: docs.vllm.ai OpenAI-compatible server ---
    @Test
    void vllm_detectedHealthVersionAndThinkingKwargs() throws Exception {
        fake.on("GET /health", ex -> FakeBackend.send(ex, 200, "application/json", ""))
            .json("GET /version", 200, "{\"version\":\"0.8.5\"}")
            .json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\",\"object\":\"model\",\"created\":1,\"owned_by\":\"vllm\","
                    + "\"root\":\"Qwen/Qwen3-8B\",\"parent\":null,\"max_model_len\":32768}]}")
            .json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\",\"reasoning\":\"short\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
        var b = backend();
        assertEquals("vllm", b.kind());
        assertEquals("0.8.5", b.health().version());
        assertEquals(32768L, b.models().get(0).contextLength());
        var r = b.chat(Fakes.ask("hi", "off"), false, Tokens.NONE, new Abort());
        assertEquals(Map.of("enable_thinking", false), fake.last("/v1/chat/completions").json().get("chat_template_kwargs"));
        assertEquals("short", r.reasoning());
    }

    // --- MLX LM and plain OpenAI-compatible ---
    @Test
    void mlx_detectedFromModelList() throws Exception {
        fake.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"mlx-community/Qwen2.5-Coder-7B-Instruct-4bit\",\"object\":\"model\",\"created\":1733000000}]}");
        var b = backend();
        assertEquals("mlx", b.kind());
        assertEquals("mlx-community/Qwen2.5-Coder-7B-Instruct-4bit", b.model());
        assertNull(b.models().get(0).loaded());
    }

    @Test
    void openai_unknownServer_isPlainOpenAi() throws Exception {
        fake.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-local\",\"object\":\"model\",\"owned_by\":\"me\"}]}");
        assertEquals("openai", backend().kind());
    }

    @Test
    void backendSetting_skipsDetection_unknownNameListsChoices() throws Exception {
        assertEquals("vllm", backend("backend", "vllm").kind());
        assertTrue(fake.requests.isEmpty());
        var e = assertThrows(BackendException.class, () -> backend("backend", "nope").kind());
        assertTrue(e.getMessage().contains("expected one of auto, ollama, lmstudio"), e.getMessage());
    }
}
