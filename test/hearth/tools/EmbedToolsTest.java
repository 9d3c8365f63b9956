package hearth.tools;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import hearth.backend.Backend;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Call;
import hearth.mcp.McpServer;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// embed against a loopback server answering /v1/embeddings as OpenAI's API reference shows: the
// text summarises, structuredContent carries every vector, bad input is named.
class EmbedToolsTest {
    @TempDir Path home;
    private HttpServer backend;
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private Tool embed;

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/v1/embeddings", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                lastBody.set(body);
                var data = Json.arr();
                var inputs = (List<?>) Json.parseObject(body).get("input");
                for (int i = 0; i < inputs.size(); i++) {
                    var vector = Json.arr();
                    for (int j = 0; j < 768; j++) vector.add((i + 1) * 0.001 * j);
                    data.add(Json.obj("object", "embedding", "index", (long) i, "embedding", vector));
                }
                byte[] bytes = Json.write(Json.obj("object", "list", "data", data, "model", "nomic-embed-text",
                        "usage", Json.obj("prompt_tokens", 8L, "total_tokens", 8L))).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        backend.start();
        var config = Config.load(Map.of("base_url", "http://127.0.0.1:" + backend.getAddress().getPort(), "backend", "openai"), Map.of(), home);
        embed = EmbedTools.all(config, new Backend(config, List.of())).get(0);
    }

    @AfterEach
    void stop() {
        backend.stop(0);
    }

    @Test
    void embed_list_summarisesInTextAndCarriesVectors() {
        var inputs = List.<Object>of("a", "b", "c", "d", "e");
        ToolResult r = McpServer.run(embed, Json.obj("input", inputs, "model", "nomic-embed-text"), Call.detached());
        assertFalse(r.isError(), r.text());
        assertTrue(r.text().startsWith("🏠 LOCAL · nomic-embed-text"), r.text());
        assertTrue(r.text().contains("5 embeddings of 768 dimensions") && r.text().contains("and 2 more"), r.text());
        assertTrue(r.text().length() < 600, "a summary, not the vectors: " + r.text().length() + " chars");
        assertEquals(5, ((List<?>) r.structuredContent().get("embeddings")).size());
        assertEquals(768, ((List<?>) ((List<?>) r.structuredContent().get("embeddings")).get(4)).size());
        assertEquals(Map.of("input", inputs, "model", "nomic-embed-text"), Json.parse(lastBody.get()));
    }

    @Test
    void embed_badInput_isNamed() {
        assertTrue(McpServer.run(embed, Json.obj("input", 5L), Call.detached()).text().contains("argument 'input' must be a string or a list of strings"));
        assertTrue(McpServer.run(embed, Json.obj("input", List.of()), Call.detached()).text().contains("must hold 1 to 256 strings, got 0"));
    }
}
