package hearth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.config.Config;
import hearth.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The tools against a real llama.cpp llama-server with a tiny random model, started through
// ../shared/backends/llama-server.sh (built once and cached; the first run may take long). Skips
// only when the script exits 3 (a build need is missing), and says so loudly.
class LlamaServerTest {
    static final int PORT = 18187;
    static String url;
    @TempDir static Path home;

    @BeforeAll
    static void start() throws Exception {
        Path script = Path.of(System.getProperty("hearth.shared", "../shared")).resolve("backends/llama-server.sh");
        script("stop");
        var p = new ProcessBuilder("bash", script.toString(), "start", String.valueOf(PORT)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        if (code == 3) {
            System.err.println("SKIPPED: LlamaServerTest needs llama-server; llama-server.sh exited 3 (a need is missing, see above)");
            Assumptions.abort("llama-server.sh exited 3");
        }
        assertEquals(0, code, "llama-server.sh start failed: " + out);
        url = out;
    }

    @AfterAll
    static void stop() throws Exception {
        script("stop");
    }

    private static void script(String verb) throws Exception {
        Path script = Path.of(System.getProperty("hearth.shared", "../shared")).resolve("backends/llama-server.sh");
        new ProcessBuilder("bash", script.toString(), verb, String.valueOf(PORT)).redirectErrorStream(true).start().waitFor();
    }

    McpClient client() throws Exception {
        Files.createDirectories(home);
        return new McpClient(Registry.server(Config.load(Map.of("base_url", url, "timeout", "60"), Map.of(), home)));
    }

    @Test
    void healthAndModels() throws Exception {
        var c = client();
        c.call(1, "health_check", Json.obj(), null);
        var h = (Map<?, ?>) ChatToolsTest.result(c.next()).get("structuredContent");
        assertEquals("ok", h.get("status"));
        assertEquals("llamacpp", h.get("backend"));
        assertEquals("tiny-qwen2", h.get("model"));
        c.call(2, "list_models", Json.obj(), null);
        assertTrue(ChatToolsTest.text(ChatToolsTest.result(c.next())).contains("→ • tiny-qwen2"));
    }

    @Test
    void embed_onAnUnpooledModel_saysHowToStartLlamaServer() throws Exception {
        var c = client();   // the shared script starts the tiny chat model with --embeddings but no pooling
        c.call(1, "embed", Json.obj("input", "a hearth"), null);
        var r = ChatToolsTest.result(c.next());
        assertEquals(true, r.get("isError"));
        assertTrue(ChatToolsTest.text(r).contains("restart llama-server with --embeddings --pooling mean"), ChatToolsTest.text(r));
    }

    @Test
    void chat_wholeAndStreamed() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("message", "hello", "max_tokens", 16L, "seed", 1L, "temperature", 0.0), null);
        var r = ChatToolsTest.result(c.next());
        assertNotEquals(true, r.get("isError"), ChatToolsTest.text(r));
        assertTrue(ChatToolsTest.text(r).startsWith("🏠 LOCAL · tiny-qwen2"), ChatToolsTest.text(r));
        assertTrue(ChatToolsTest.text(r).contains("completion = "));
        c.call(2, "chat", Json.obj("message", "hello", "max_tokens", 32L), "p");
        int progress = 0;
        while (true) {
            var m = c.next().json();
            if ("notifications/progress".equals(m.get("method"))) { progress++; continue; }
            var result = ChatToolsTest.result(new McpClient.Message(m, 0));
            assertNotEquals(true, result.get("isError"), ChatToolsTest.text(result));
            assertTrue(ChatToolsTest.text(result).contains("TTFT"), ChatToolsTest.text(result));
            break;
        }
        assertTrue(progress >= 1);
    }

    @Test
    void chat_cancelMidStream_thenServes() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("message", "write a lot", "max_tokens", 4000L), "p");
        int seen = 0;
        while (seen < 3) if ("notifications/progress".equals(c.next().json().get("method"))) seen++;
        c.cancel(1);
        c.call(2, "chat", Json.obj("message", "hi", "max_tokens", 8L), "p2");
        McpClient.Message m;
        do m = c.next(); while (!Long.valueOf(2).equals(m.json().get("id")));
        var r = ChatToolsTest.result(m);
        assertNotEquals(true, r.get("isError"), ChatToolsTest.text(r));
        assertTrue(ChatToolsTest.text(r).contains("tok/s | TTFT"), ChatToolsTest.text(r));
    }
}
