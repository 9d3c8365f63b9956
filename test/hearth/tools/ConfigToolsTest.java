package hearth.tools;

import static org.junit.jupiter.api.Assertions.*;

import hearth.backend.Backend;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Call;
import hearth.mcp.McpServer;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import hearth.testing.FakeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// get_config shows what is in effect, not only what was set: the backend found and the model it
// reports, the guard and the tiers; a part that cannot be read says why and the rest still shows.
class ConfigToolsTest {
    @TempDir Path home;
    private FakeBackend fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeBackend().json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"qwen-local\",\"object\":\"model\",\"owned_by\":\"someone\"}]}");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private ToolResult getConfig(String url, String apiKey) throws Exception {
        var config = Config.load(apiKey == null ? Map.of("base_url", url) : Map.of("base_url", url, "api_key", apiKey), Map.of(), home);
        Tool tool = ConfigTools.all(config, new Backend(config, List.of())).get(0);
        return McpServer.run(tool, Json.obj(), Call.detached());
    }

    @Test
    void showsTheDetectedBackendAndModel_guardAndTiers() throws Exception {
        var r = getConfig(fake.url(), "sk-secret-value");
        assertFalse(r.isError(), r.text());
        var backend = (Map<?, ?>) r.structuredContent().get("backend");
        assertEquals(fake.url(), backend.get("url"));
        assertEquals("openai", backend.get("kind"));
        assertEquals("qwen-local", backend.get("model"));
        assertEquals(false, ((Map<?, ?>) r.structuredContent().get("work_hours_guard")).get("enabled"));
        assertEquals(Tiers.DEFAULTS.size(), ((List<?>) r.structuredContent().get("tiers")).size());
        assertTrue(r.text().contains("backend: openai at " + fake.url() + ", model qwen-local"), r.text());
        assertTrue(r.text().contains("quality → " + Tiers.byName(Tiers.DEFAULTS, "quality").model()), r.text());
        assertFalse(r.text().contains("sk-secret-value") || Json.write(r.structuredContent()).contains("sk-secret-value"), "the API key leaked");
    }

    @Test
    void noBackend_brokenTiers_stillAnswersAndSaysWhy() throws Exception {
        Files.writeString(Files.createDirectories(home.resolve(".hearth")).resolve("tiers.json"), "{\"quality\": ");
        String url = fake.url();
        fake.close();
        var r = getConfig(url, null);
        assertFalse(r.isError(), r.text());
        String error = (String) ((Map<?, ?>) r.structuredContent().get("backend")).get("error");
        assertNotNull(error, r.text());
        assertTrue(error.contains("cannot reach backend at " + url), error);
        assertTrue(((String) r.structuredContent().get("tiers_error")).contains("tiers.json"), r.text());
        assertTrue(r.text().contains("backend: not reachable - cannot reach backend at " + url), r.text());
        assertTrue(r.text().contains("base_url"), r.text());
    }
}
