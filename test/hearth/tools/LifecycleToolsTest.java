package hearth.tools;

import static org.junit.jupiter.api.Assertions.*;

import hearth.backend.Abort;
import hearth.backend.Backend;
import hearth.backend.BackendException;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Call;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import hearth.testing.FakeBackend;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// load_model, unload_model and download_model against loopback fakes of LM Studio's REST API v1
// and Ollama's API, shaped as their documentation shows (lmstudio.ai/docs/developer/rest, ollama
// docs/api.md), through the MCP layer: text, structuredContent, progress, budget, guard, errors.
class LifecycleToolsTest {
    private static final ZonedDateTime WEDNESDAY_10AM = ZonedDateTime.of(2026, 11, 25, 10, 0, 0, 0, ZoneId.of("America/Denver"));
    private static final String JOB = "job_493c7c9ded";

    @TempDir Path home;
    private final FakeBackend fake = fake();

    @AfterEach
    void stop() {
        fake.close();
    }

    // ---- LM Studio

    @Test
    void load_lmStudio_sendsTheDocumentedFieldsAndReportsTheInstance() throws Exception {
        fake.json("GET /api/v1/models", 200, lmStudioModels(false));
        fake.json("POST /api/v1/models/load", 200, """
                {"type": "llm", "instance_id": "qwen/qwen3-4b", "load_time_seconds": 4.21, "status": "loaded",
                 "load_config": {"context_length": 16384, "eval_batch_size": 512, "flash_attention": true}}""");
        var r = call("lmstudio", "load_model", Json.obj("model", "qwen/qwen3-4b", "context_length", 16384L, "flash_attention", true));
        assertOk(r);
        assertTrue(text(r).startsWith("🏠 LOCAL · qwen/qwen3-4b\n\n✅ Loaded qwen/qwen3-4b on LM Studio in 4.2 s · context 16384"), text(r));
        assertEquals(Map.of("model", "qwen/qwen3-4b", "echo_load_config", true, "context_length", 16384L, "flash_attention", true),
                fake.last("/api/v1/models/load").json());
        var s = structured(r);
        assertEquals("loaded", s.get("state"));
        assertEquals("lmstudio", s.get("backend"));
        assertEquals(16384L, s.get("context_length"));
    }

    @Test
    void load_lmStudio_alreadyLoaded_keepsTheOneInstance() throws Exception {
        fake.json("GET /api/v1/models", 200, lmStudioModels(true));
        var r = call("lmstudio", "load_model", Json.obj("model", "qwen/qwen3-4b"));
        assertOk(r);
        assertTrue(text(r).contains("is already loaded on LM Studio") && text(r).contains("unload_model first"), text(r));
        assertTrue(fake.requests.stream().noneMatch(q -> q.path().equals("/api/v1/models/load")), "no second instance");
    }

    @Test
    void load_lmStudio_unknownModel_isTheBackendsError() throws Exception {
        fake.json("GET /api/v1/models", 200, lmStudioModels(false));
        fake.json("POST /api/v1/models/load", 404, """
                {"error": {"message": "Model 'nope/nope' not found", "type": "invalid_request_error", "code": "model_not_found"}}""");
        var r = call("lmstudio", "load_model", Json.obj("model", "nope/nope"));
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("backend returned 404 for POST /api/v1/models/load") && text(r).contains("Model 'nope/nope' not found"), text(r));
    }

    @Test
    void unload_lmStudio_byKey_unloadsEveryInstance_andSaysWhenNothingWasLoaded() throws Exception {
        fake.json("GET /api/v1/models", 200, lmStudioModels(true));
        fake.json("POST /api/v1/models/unload", 200, "{\"instance_id\": \"qwen/qwen3-4b\"}");
        var r = call("lmstudio", "unload_model", Json.obj("model", "qwen/qwen3-4b"));
        assertOk(r);
        assertTrue(text(r).contains("✅ Unloaded qwen/qwen3-4b from LM Studio"), text(r));
        assertEquals(Map.of("instance_id", "qwen/qwen3-4b"), fake.last("/api/v1/models/unload").json());

        fake.json("GET /api/v1/models", 200, lmStudioModels(false));
        var again = call("lmstudio", "unload_model", Json.obj("model", "qwen/qwen3-4b"));
        assertEquals("not loaded", structured(again).get("state"), text(again));
        var unknown = call("lmstudio", "unload_model", Json.obj("model", "nope"));
        assertEquals(true, unknown.get("isError"));
        assertTrue(text(unknown).contains("LM Studio has no model or loaded instance named 'nope'; it has: qwen/qwen3-4b"), text(unknown));
    }

    @Test
    void download_lmStudio_pollsUntilCompleted_withRisingProgress() throws Exception {
        fake.json("POST /api/v1/models/download", 200, """
                {"job_id": "job_493c7c9ded", "status": "downloading", "total_size_bytes": 2279145003, "started_at": "2025-10-03T15:33:23.496Z"}""");
        var polls = new AtomicInteger();
        fake.on("GET /api/v1/models/download/status/" + JOB, ex -> {
            int n = polls.incrementAndGet();
            FakeBackend.send(ex, 200, "application/json", n < 3
                    ? "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\", \"bytes_per_second\": 7340032, \"total_size_bytes\": 2279145003, "
                      + "\"downloaded_bytes\": " + n * 700_000_000L + ", \"started_at\": \"2025-10-03T15:33:23.496Z\"}"
                    : "{\"job_id\": \"" + JOB + "\", \"status\": \"completed\", \"total_size_bytes\": 2279145003, \"downloaded_bytes\": 2279145003, "
                      + "\"started_at\": \"2025-10-03T15:33:23.496Z\", \"completed_at\": \"2025-10-03T15:38:41.102Z\"}");
        });
        var c = client("lmstudio");
        c.call(1, "download_model", Json.obj("model", "qwen/qwen3-4b", "quantization", "Q4_K_M"), "dl");
        var progress = new ArrayList<Map<?, ?>>();
        var r = untilResult(c, 1, progress);
        assertOk(r);
        assertTrue(text(r).contains("✅ Downloaded qwen/qwen3-4b to LM Studio · 2.28 / 2.28 GB (100%)"), text(r));
        assertEquals(Map.of("model", "qwen/qwen3-4b", "quantization", "Q4_K_M"), fake.last("/api/v1/models/download").json());
        assertRising(progress);
        assertEquals(2279145003.0, ((Number) progress.get(progress.size() - 1).get("progress")).doubleValue());
        assertEquals(2279145003.0, ((Number) progress.get(progress.size() - 1).get("total")).doubleValue());
        assertEquals(Map.of("model", "qwen/qwen3-4b", "backend", "lmstudio", "state", "completed", "finished", true, "job_id", JOB,
                "total_bytes", 2279145003L, "downloaded_bytes", 2279145003L, "detail", "completed", "forced", false), structured(r));
    }

    @Test
    void download_lmStudio_pastTheBudget_returnsTheJobIdAndState() throws Exception {
        fake.json("POST /api/v1/models/download", 200, "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\", \"total_size_bytes\": 4000000000}");
        fake.json("GET /api/v1/models/download/status/" + JOB, 200,
                "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\", \"total_size_bytes\": 4000000000, \"downloaded_bytes\": 1000000000}");
        var r = call("lmstudio", "download_model", Json.obj("model", "big/model"), "download_budget", "0.3");
        assertOk(r);
        assertTrue(text(r).contains("⏳ Still downloading big/model: 1.00 / 4.00 GB (25%)") && text(r).contains("job " + JOB), text(r));
        assertEquals("downloading", structured(r).get("state"));
        assertEquals(false, structured(r).get("finished"));
        assertEquals(JOB, structured(r).get("job_id"));
    }

    @Test
    void download_lmStudio_failedOrAlreadyThere() throws Exception {
        fake.json("POST /api/v1/models/download", 200, "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\"}");
        fake.json("GET /api/v1/models/download/status/" + JOB, 200, "{\"job_id\": \"" + JOB + "\", \"status\": \"failed\", \"total_size_bytes\": 10}");
        var failed = call("lmstudio", "download_model", Json.obj("model", "qwen/qwen3-4b"));
        assertEquals(true, failed.get("isError"));
        assertTrue(text(failed).contains("LM Studio's download of qwen/qwen3-4b failed (job " + JOB), text(failed));

        fake.json("POST /api/v1/models/download", 200, "{\"status\": \"already_downloaded\"}");
        var there = call("lmstudio", "download_model", Json.obj("model", "qwen/qwen3-4b"));
        assertTrue(text(there).contains("✅ qwen/qwen3-4b is already downloaded on LM Studio"), text(there));
    }

    @Test
    void download_cancelled_stopsPollingAtOnce() throws Exception {
        fake.json("POST /api/v1/models/download", 200, "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\"}");
        fake.json("GET /api/v1/models/download/status/" + JOB, 200, "{\"job_id\": \"" + JOB + "\", \"status\": \"downloading\", \"downloaded_bytes\": 1}");
        var backend = new Backend(config("lmstudio", "download_budget", "60", "poll_interval", "30"), List.of());
        var abort = new Abort();
        var done = CompletableFuture.supplyAsync(() -> {
            try {
                backend.download("qwen/qwen3-4b", null, state -> abort.abort(), abort);   // the client cancels on the first progress
                return null;
            } catch (BackendException e) {
                return e;
            }
        });
        BackendException e = done.get(5, TimeUnit.SECONDS);                 // not the 30 s poll interval, nor the 60 s budget
        assertNotNull(e);
        assertEquals(BackendException.Kind.CANCELLED, e.kind);
    }

    // ---- Ollama

    @Test
    void load_ollama_generateWithKeepAliveAndOptions() throws Exception {
        fake.json("POST /api/generate", 200, """
                {"model": "llama3.2", "created_at": "2023-12-18T19:52:07.071755Z", "response": "", "done": true, "done_reason": "load",
                 "load_duration": 1500000000}""");
        var r = call("ollama", "load_model", Json.obj("model", "llama3.2", "context_length", 16384L, "gpu", 0L, "ttl", 600L));
        assertOk(r);
        assertTrue(text(r).contains("✅ Loaded llama3.2 on Ollama in 1.5 s · context 16384\nstays loaded for 600 s after its last use"), text(r));
        assertEquals(Map.of("model", "llama3.2", "stream", false, "keep_alive", "600s", "options", Map.of("num_ctx", 16384L, "num_gpu", 0L)),
                fake.last("/api/generate").json());
    }

    @Test
    void load_ollama_whatItCannotDo_isNamed() throws Exception {
        assertTrue(text(call("ollama", "load_model", Json.obj("model", "llama3.2", "flash_attention", true)))
                .contains("argument 'flash_attention' is not supported by Ollama: Ollama sets it for the whole server - start it with OLLAMA_FLASH_ATTENTION=1"));
        assertTrue(text(call("ollama", "load_model", Json.obj("model", "llama3.2", "gpu", 0.5)))
                .contains("argument 'gpu' must be 0 (CPU only) or 1 (all the layers that fit) for Ollama, got 0.5"));
        fake.json("POST /api/generate", 404, "{\"error\": \"model 'nope' not found\"}");
        var r = call("ollama", "load_model", Json.obj("model", "nope"));
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("backend returned 404 for POST /api/generate: {\"error\": \"model 'nope' not found\"}"), text(r));
    }

    @Test
    void unload_ollama_keepAliveZero() throws Exception {
        fake.json("GET /api/ps", 200, "{\"models\": [{\"name\": \"llama3.2:latest\", \"model\": \"llama3.2:latest\", \"size\": 5137025024}]}");
        fake.json("POST /api/generate", 200, """
                {"model": "llama3.2:latest", "created_at": "2024-09-12T21:33:17.547535Z", "response": "", "done": true, "done_reason": "unload"}""");
        var r = call("ollama", "unload_model", Json.obj("model", "llama3.2:latest"));
        assertOk(r);
        assertTrue(text(r).contains("✅ Unloaded llama3.2:latest from Ollama"), text(r));
        assertEquals(Map.of("model", "llama3.2:latest", "stream", false, "keep_alive", 0L), fake.last("/api/generate").json());
        assertEquals("not loaded", structured(call("ollama", "unload_model", Json.obj("model", "qwen2.5:7b"))).get("state"));
    }

    @Test
    void download_ollama_pullStreamsRisingProgressToSuccess() throws Exception {
        fake.ndjson("POST /api/pull",
                "{\"status\": \"pulling manifest\"}",
                "{\"status\": \"pulling 2ae6\", \"digest\": \"sha256:2ae6\", \"total\": 2142590208, \"completed\": 241970}",
                "{\"status\": \"pulling 2ae6\", \"digest\": \"sha256:2ae6\", \"total\": 2142590208, \"completed\": 1071295104}",
                "{\"status\": \"pulling 2ae6\", \"digest\": \"sha256:2ae6\", \"total\": 2142590208, \"completed\": 2142590208}",
                "{\"status\": \"pulling 966d\", \"digest\": \"sha256:966d\", \"total\": 1426, \"completed\": 1426}",
                "{\"status\": \"verifying sha256 digest\"}",
                "{\"status\": \"writing manifest\"}",
                "{\"status\": \"success\"}");
        var c = client("ollama");
        c.call(1, "download_model", Json.obj("model", "llama3.2"), "pull");
        var progress = new ArrayList<Map<?, ?>>();
        var r = untilResult(c, 1, progress);
        assertOk(r);
        assertTrue(text(r).contains("✅ Downloaded llama3.2 to Ollama · 2.14 / 2.14 GB (100%)"), text(r));
        assertEquals(Map.of("model", "llama3.2", "stream", true), fake.last("/api/pull").json());
        assertTrue(progress.size() >= 4, "one per rise in bytes: " + progress);
        assertRising(progress);
        assertEquals(2142591634.0, ((Number) progress.get(progress.size() - 1).get("progress")).doubleValue());
        assertEquals("completed", structured(r).get("state"));
        assertNull(structured(r).get("job_id"));
    }

    @Test
    void download_ollama_errorLine_quantizationAndBudget() throws Exception {
        fake.ndjson("POST /api/pull", "{\"status\": \"pulling manifest\"}", "{\"error\": \"pull model manifest: file does not exist\"}");
        var r = call("ollama", "download_model", Json.obj("model", "nope"));
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("pull model manifest: file does not exist"), text(r));

        assertTrue(text(call("ollama", "download_model", Json.obj("model", "llama3.2", "quantization", "Q4_K_M")))
                .contains("argument 'quantization' is not supported by Ollama: the quantisation is part of the tag"));

        fake.on("POST /api/pull", ex -> {          // a pull that goes quiet: the budget ends the wait, not a failure
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write("{\"status\": \"pulling 2ae6\", \"digest\": \"sha256:2ae6\", \"total\": 2000000000, \"completed\": 500000000}\n".getBytes());
            ex.getResponseBody().flush();
            fake.stall();
        });
        var stopped = call("ollama", "download_model", Json.obj("model", "llama3.2"), "download_budget", "0.3");
        assertOk(stopped);
        assertEquals("stopped", structured(stopped).get("state"));
        assertTrue(text(stopped).contains("0.50 / 2.00 GB (25%)") && text(stopped).contains("call download_model again to resume"), text(stopped));
    }

    // ---- every backend: guard, filter, arguments, unsupported

    @Test
    void guard_bigModelInWorkHours_refusedUnlessForced() throws Exception {
        fake.json("GET /api/v1/models", 200, "{\"models\": []}");
        fake.json("POST /api/v1/models/load", 200, "{\"type\": \"llm\", \"instance_id\": \"qwen/qwen2.5-32b\", \"load_time_seconds\": 30, \"status\": \"loaded\"}");
        var config = config("lmstudio");
        State.put(config.statePath(), Guard.KEY, Guard.DEFAULT.with(true).toJson());
        var tools = LifecycleTools.all(config, new Backend(config, List.of()), () -> WEDNESDAY_10AM);
        Tool load = tools.get(0), download = tools.get(2);
        ToolResult refused = McpServer.run(load, Json.obj("model", "qwen/qwen2.5-32b"), Call.detached());
        assertTrue(refused.isError());
        assertTrue(refused.text().startsWith("not loaded: the work-hours guard blocks big models Mon-Fri 08:00-17:00 America/Denver"), refused.text());
        ToolResult notDownloaded = McpServer.run(download, Json.obj("model", "qwen/qwen2.5-32b"), Call.detached());
        assertTrue(notDownloaded.text().startsWith("not downloaded: the work-hours guard"), notDownloaded.text());
        assertTrue(fake.requests.isEmpty(), "nothing reached the backend");

        ToolResult forced = McpServer.run(load, Json.obj("model", "qwen/qwen2.5-32b", "force", true), Call.detached());
        assertFalse(forced.isError(), forced.text());
        assertTrue(forced.text().contains("⚠️ forced past the work-hours guard"), forced.text());
        assertEquals(true, forced.structuredContent().get("forced"));
        assertFalse(McpServer.run(load, Json.obj("model", "qwen/qwen3-4b"), Call.detached()).isError(), "a small model is never guarded");
    }

    @Test
    void tierName_standsForItsModel_andItsBigModelIsGuarded() throws Exception {
        fake.json("POST /api/generate", 200, "{\"model\": \"Qwen3-Coder-30B-A3B-Instruct-MLX-4bit\", \"response\": \"\", \"done\": true}");
        var config = config("ollama");
        State.put(config.statePath(), Guard.KEY, Guard.DEFAULT.with(true).toJson());
        Tool load = LifecycleTools.all(config, new Backend(config, List.of()), () -> WEDNESDAY_10AM).get(0);
        assertTrue(McpServer.run(load, Json.obj("model", "quality"), Call.detached()).text()
                .contains("'Qwen3-Coder-30B-A3B-Instruct-MLX-4bit' is big"), "the quality tier is guarded");
        ToolResult r = McpServer.run(load, Json.obj("model", "quality", "force", true), Call.detached());
        assertFalse(r.isError(), r.text());
        assertEquals("Qwen3-Coder-30B-A3B-Instruct-MLX-4bit", fake.last("/api/generate").json().get("model"));
    }

    @Test
    void badArguments_nameTheArgument() throws Exception {
        assertEquals("argument 'context_length' must be an integer in [1, 10485760], got 'big'",
                text(call("lmstudio", "load_model", Json.obj("model", "m", "context_length", "big"))));
        assertEquals("argument 'gpu' must be a number in [0.0, 1.0], got 2", text(call("lmstudio", "load_model", Json.obj("model", "m", "gpu", 2L))));
        assertEquals("argument 'ttl' must be an integer in [1, 31536000], got 0", text(call("lmstudio", "load_model", Json.obj("model", "m", "ttl", 0L))));
        assertEquals("argument 'model' is required", text(call("lmstudio", "unload_model", Json.obj())));
        assertTrue(text(call("lmstudio", "download_model", Json.obj("model", " "))).startsWith("argument 'model' must name a model"));
        assertTrue(text(call("lmstudio", "load_model", Json.obj("model", "m", "keep_alive", 5L))).startsWith("unknown argument 'keep_alive'"));
        assertTrue(fake.requests.isEmpty(), "nothing reached the backend");
    }

    @Test
    void otherBackends_sayNotSupportedAndWhatToDoInstead() throws Exception {
        var vllm = call("vllm", "load_model", Json.obj("model", "Qwen/Qwen2.5-7B-Instruct"));
        assertEquals(true, vllm.get("isError"));
        assertEquals("loading a model is not supported by vLLM - vLLM serves the one model it was started with: restart it as "
                + "`vllm serve <hugging face id>` (it downloads the model itself)", text(vllm));
        assertTrue(text(call("mlx", "unload_model", Json.obj("model", "m"))).startsWith("unloading a model is not supported by MLX LM - MLX LM loads"));
        assertTrue(text(call("openai", "download_model", Json.obj("model", "m")))
                .startsWith("downloading a model is not supported by OpenAI-compatible server - manage models in OpenAI-compatible server itself"));
        assertTrue(fake.requests.isEmpty(), "refused before any request");
    }

    @Test
    void hearthTools_filtersTheLifecycleToolsLikeAnyOther() throws Exception {
        var c = new McpClient(Registry.server(config("lmstudio", "tools", "list_models,load_model")));
        c.send(Rpc.request(1L, "tools/list", Json.obj()));
        var names = ((List<?>) ((Map<?, ?>) c.next().json().get("result")).get("tools")).stream().map(t -> ((Map<?, ?>) t).get("name")).toList();
        assertEquals(List.of("list_models", "load_model"), names);
        c.call(2, "download_model", Json.obj("model", "m"), null);
        assertEquals(-32602L, ((Map<?, ?>) c.next().json().get("error")).get("code"));
    }

    // ---- helpers

    private static FakeBackend fake() {
        try {
            return new FakeBackend();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private Config config(String backend, String... settings) throws Exception {
        var flags = new HashMap<String, String>(Map.of("base_url", fake.url(), "backend", backend, "timeout", "5", "connect_timeout", "2",
                "load_timeout", "5", "download_budget", "5", "poll_interval", "0.02"));
        for (int i = 0; i < settings.length; i += 2) flags.put(settings[i], settings[i + 1]);
        return Config.load(flags, Map.of(), home);
    }

    private McpClient client(String backend, String... settings) throws Exception {
        return new McpClient(Registry.server(config(backend, settings)));
    }

    /** One tools/call on a fresh client; returns its result (isError results included). */
    private Map<String, Object> call(String backend, String tool, Map<String, Object> arguments, String... settings) throws Exception {
        var c = client(backend, settings);
        c.call(1, tool, arguments, null);
        return untilResult(c, 1, new ArrayList<>());
    }

    private static Map<String, Object> untilResult(McpClient c, long id, List<Map<?, ?>> progress) {
        while (true) {
            var m = c.next().json();
            if (Rpc.PROGRESS.equals(m.get("method"))) progress.add((Map<?, ?>) m.get("params"));
            else if (Long.valueOf(id).equals(m.get("id"))) return ChatToolsTest.result(new McpClient.Message(m, 0));
        }
    }

    private static void assertRising(List<Map<?, ?>> progress) {
        assertFalse(progress.isEmpty(), "no progress notifications");
        for (int i = 1; i < progress.size(); i++) {
            double before = ((Number) progress.get(i - 1).get("progress")).doubleValue(), now = ((Number) progress.get(i).get("progress")).doubleValue();
            assertTrue(now > before, "progress must rise: " + progress);
        }
    }

    private static void assertOk(Map<String, Object> result) {
        assertNotEquals(true, result.get("isError"), text(result));
    }

    private static String text(Map<String, Object> result) {
        return ChatToolsTest.text(result);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(Map<String, Object> result) {
        return (Map<String, Object>) result.get("structuredContent");
    }

    /** GET /api/v1/models as LM Studio 0.4 answers it, with qwen/qwen3-4b loaded or not. */
    private static String lmStudioModels(boolean loaded) {
        return """
                {"models": [{"type": "llm", "publisher": "qwen", "key": "qwen/qwen3-4b", "display_name": "Qwen3 4B", "architecture": "qwen3",
                  "quantization": {"name": "Q4_K_M", "bits_per_weight": 4}, "size_bytes": 2497281632, "params_string": "4B",
                  "loaded_instances": %s, "max_context_length": 32768, "format": "gguf"}]}
                """.formatted(loaded ? "[{\"id\": \"qwen/qwen3-4b\", \"config\": {\"context_length\": 4096}}]" : "[]");
    }
}
