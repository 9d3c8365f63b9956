package hearth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.config.Config;
import hearth.json.Json;
import hearth.testing.FakeBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// chat and quick_test through the MCP server against a loopback llama-server-shaped backend: the
// badge and stats line, structuredContent, progress while streaming, cancellation aborting the
// backend request, faults as isError while the server keeps serving, and `files` under the roots.
class ChatToolsTest {
    static final String CHUNK = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}";
    @TempDir Path home;
    FakeBackend fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeBackend();
        fake.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"tiny\",\"object\":\"model\",\"owned_by\":\"llamacpp\"}]}")
            .json("GET /props", 200, "{\"build_info\":\"b1\"}")
            .json("POST /v1/chat/completions", 200, "{\"model\":\"tiny\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi there\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":48,\"total_tokens\":60}}");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    McpClient client(String... settings) throws Exception {
        var flags = new HashMap<String, String>(Map.of("base_url", fake.url(), "timeout", "5", "idle_timeout", "2"));
        for (int i = 0; i < settings.length; i += 2) flags.put(settings[i], settings[i + 1]);
        return new McpClient(Registry.server(Config.load(flags, Map.of(), home)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> result(McpClient.Message m) {
        return (Map<String, Object>) m.json().get("result");
    }

    static String text(Map<String, Object> result) {
        return String.valueOf(((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
    }

    @Test
    void chat_badgeTextStatsAndStructured() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("message", "hello", "temperature", 0.3), null);
        var r = result(c.next());
        String t = text(r);
        assertTrue(t.startsWith("🏠 LOCAL · tiny\n\nHi there\n\n---\nTokens: 12 prompt + 48 completion = 60 total | "), t);
        var s = (Map<?, ?>) r.get("structuredContent");
        assertEquals("Hi there", s.get("text"));
        assertEquals("llamacpp", s.get("backend"));
        assertEquals(0.3, fake.last("/v1/chat/completions").json().get("temperature"));
    }

    @Test
    void chat_samplingArguments_reachTheBackend() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("message", "hello", "top_p", 0.9, "top_k", 20L, "min_p", 0.1, "repeat_penalty", 1.15, "seed", 7L), null);
        assertFalse(Boolean.TRUE.equals(result(c.next()).get("isError")));
        var sent = fake.last("/v1/chat/completions").json();
        assertEquals(List.of(0.9, 20L, 0.1, 1.15, 7L), List.of(sent.get("top_p"), sent.get("top_k"), sent.get("min_p"), sent.get("repeat_penalty"), sent.get("seed")));
        c.call(2, "chat", Json.obj("message", "x", "repeat_penalty", 0), null);
        String error = text(result(c.next()));
        assertTrue(error.contains("argument 'repeat_penalty' must be a number in [0.01, 5.0], got 0"), error);
    }

    @Test
    void chat_badArgument_isErrorNamingIt() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("message", "x", "temperature", 7), null);
        var r = result(c.next());
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("argument 'temperature' must be a number in [0.0, 2.0], got 7"), text(r));
    }

    @Test
    void chat_streamsWithProgress_monotonic() throws Exception {
        String[] events = new String[30];
        for (int i = 0; i < 29; i++) events[i] = CHUNK;
        events[29] = "[DONE]";
        fake.sse("POST /v1/chat/completions", events);
        var c = client();
        c.call(1, "chat", Json.obj("message", "count"), "tok-1");
        double last = -1;
        int progress = 0;
        while (true) {
            var m = c.next().json();
            if ("notifications/progress".equals(m.get("method"))) {
                var p = (Map<?, ?>) m.get("params");
                assertEquals("tok-1", p.get("progressToken"));
                double v = ((Number) p.get("progress")).doubleValue();
                assertTrue(v > last);
                last = v;
                assertNotNull(p.get("message"));
                progress++;
                continue;
            }
            assertEquals(1L, m.get("id"));
            assertTrue(text(result(m.containsKey("result") ? new McpClient.Message(m, 0) : null)).contains("tok tok tok"));
            break;
        }
        assertTrue(progress >= 2, "progress notifications: " + progress);
        assertEquals(true, fake.last("/v1/chat/completions").json().get("stream"));
    }

    /** A reply that never ends: `chunk` every 20 ms until hearth hangs up, which counts down `closed`. */
    private FakeBackend.Handler endless(byte[] chunk, java.util.concurrent.CountDownLatch started, java.util.concurrent.CountDownLatch closed) {
        return ex -> {
            ex.sendResponseHeaders(200, 0);
            started.countDown();
            try {
                while (!fake.hold.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    ex.getResponseBody().write(chunk);
                    ex.getResponseBody().flush();
                }
            } catch (java.io.IOException e) {
                closed.countDown();   // hearth hung up: the backend request was aborted
            }
        };
    }

    @Test
    void chat_cancelled_abortsBackendRequest_serverKeepsServing() throws Exception {
        var closed = new java.util.concurrent.CountDownLatch(1);
        var streaming = new java.util.concurrent.CountDownLatch(1);
        fake.on("POST /v1/chat/completions", endless(("data: " + CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8), streaming, closed));
        var c = client("idle_timeout", "30", "timeout", "60");
        c.call(1, "chat", Json.obj("message", "forever"), "p");
        assertTrue(streaming.await(5, java.util.concurrent.TimeUnit.SECONDS));
        c.cancel(1);
        assertTrue(closed.await(5, java.util.concurrent.TimeUnit.SECONDS), "backend connection was not closed");
        fake.json("POST /v1/chat/completions", 200, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"still here\"},\"finish_reason\":\"stop\"}]}");
        c.call(2, "chat", Json.obj("message", "again"), null);
        McpClient.Message m;
        do m = c.next(); while (!Long.valueOf(2).equals(m.json().get("id")));
        assertTrue(text(result(m)).contains("still here"));
    }

    @Test
    void chat_cancelledWithoutProgress_abortsTheWholeReplyRequest() throws Exception {
        var closed = new java.util.concurrent.CountDownLatch(1);
        var started = new java.util.concurrent.CountDownLatch(1);
        fake.on("POST /v1/chat/completions", endless(new byte[] {' '}, started, closed));   // whitespace is valid before JSON
        var c = client("timeout", "60");
        c.call(1, "chat", Json.obj("message", "no progress token"), null);
        assertTrue(started.await(5, java.util.concurrent.TimeUnit.SECONDS));
        c.cancel(1);
        assertTrue(closed.await(5, java.util.concurrent.TimeUnit.SECONDS), "backend connection was not closed");
    }

    @Test
    void chat_backendDown_isErrorWithHint() throws Exception {
        var c = client();
        fake.close();
        c.call(1, "chat", Json.obj("message", "hi"), null);
        var r = result(c.next());
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("cannot reach backend at " + fake.url()), text(r));
    }

    @Test
    void chat_files_readUnderRoot_refusedOutside() throws Exception {
        Path root = Files.createDirectories(home.resolve("project"));
        Files.writeString(root.resolve("a.txt"), "alpha file");
        Path outside = Files.writeString(home.resolve("secret.txt"), "no");
        var roots = FileInputs.roots(List.of(root.toUri().toString()));
        String text = FileInputs.read(List.of("a.txt"), roots);
        assertEquals("<file path=\"a.txt\">\nalpha file\n</file>\n", text);
        var e = org.junit.jupiter.api.Assertions.assertThrows(hearth.mcp.ToolException.class, () -> FileInputs.read(List.of(outside.toString()), roots));
        assertTrue(e.getMessage().contains("outside the client's roots"), e.getMessage());
        Files.write(root.resolve("b.bin"), new byte[] {1, 0, 2});
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(hearth.mcp.ToolException.class, () -> FileInputs.read(List.of("b.bin"), roots))
                .getMessage().contains("binary"));
    }

    @Test
    void quickTest_math_checksAnswer() throws Exception {
        fake.sse("POST /v1/chat/completions", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"347 × 28 = 9,716\"},\"finish_reason\":\"stop\"}]}", "[DONE]");
        var c = client();
        c.call(1, "quick_test", Json.obj("test", "math"), null);
        var r = result(c.next());
        assertTrue(text(r).contains("✅ correct"), text(r));
        assertEquals(true, ((Map<?, ?>) r.get("structuredContent")).get("passed"));
    }
}
