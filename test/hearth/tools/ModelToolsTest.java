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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// set_model's matching order, its persistence in state.json, and the work-hours guard, against a
// loopback OpenAI-compatible backend that lists the default tiers' models, with a clock we set.
class ModelToolsTest {
    private static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen2.5-Coder-7B-Instruct-4bit\",\"object\":\"model\"},"
            + "{\"id\":\"Qwen2.5-Coder-14B-Instruct-4bit\",\"object\":\"model\"},{\"id\":\"Qwen3-Coder-30B-A3B-Instruct-MLX-4bit\",\"object\":\"model\"}]}";
    private static final ZoneId DENVER = ZoneId.of("America/Denver");

    @TempDir Path home;
    private HttpServer backend;
    private Config config;
    private final AtomicReference<ZonedDateTime> now = new AtomicReference<>(ZonedDateTime.of(2026, 11, 23, 10, 0, 0, 0, DENVER)); // a Monday
    private List<Tool> tools;

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/v1/models", exchange -> {
            try (exchange) {
                byte[] bytes = MODELS.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        backend.start();
        config = Config.load(Map.of("base_url", "http://127.0.0.1:" + backend.getAddress().getPort(), "backend", "openai"), Map.of(), home);
        tools = ModelTools.all(config, new Backend(config, List.of()), now::get);
    }

    @AfterEach
    void stop() {
        backend.stop(0);
    }

    @Test
    void setModel_matchesExactThenCaseThenFragmentThenTier() {
        assertEquals("exact", structured(ok("set_model", "model_name", "Qwen2.5-Coder-7B-Instruct-4bit")).get("matched_by"));
        assertEquals("case-insensitive", structured(ok("set_model", "model_name", "qwen2.5-coder-14b-instruct-4bit")).get("matched_by"));
        var fragment = structured(ok("set_model", "model_name", "14B"));
        assertEquals("Qwen2.5-Coder-14B-Instruct-4bit", fragment.get("model"));
        assertEquals("fragment", fragment.get("matched_by"));
        var tier = structured(ok("set_model", "model_name", "fast"));
        assertEquals("Qwen2.5-Coder-7B-Instruct-4bit", tier.get("model"));
        assertEquals("tier fast", tier.get("matched_by"));
    }

    @Test
    void setModel_ambiguousOrUnknown_isAnErrorListingTheChoices() {
        String ambiguous = error("set_model", "model_name", "Qwen2.5");
        assertTrue(ambiguous.contains("matches 2 models: Qwen2.5-Coder-7B-Instruct-4bit, Qwen2.5-Coder-14B-Instruct-4bit"), ambiguous);
        String unknown = error("set_model", "model_name", "llama-70b");
        assertTrue(unknown.contains("no model matches 'llama-70b'") && unknown.contains("tiers: turbo, fast, default, quality"), unknown);
    }

    @Test
    void setModel_isPersistedAndEmptyClearsIt() throws Exception {
        ok("set_model", "model_name", "14b");
        var reloaded = Config.load(Map.of(), Map.of(), home);
        assertEquals("Qwen2.5-Coder-14B-Instruct-4bit", reloaded.get("model"));
        assertTrue(reloaded.value("model").source().startsWith("state "), reloaded.value("model").source());
        assertEquals("cleared", structured(ok("set_model", "model_name", "")).get("matched_by"));
        assertNull(Config.load(Map.of(), Map.of(), home).get("model"));
        assertTrue(Json.parseObject(Files.readString(config.statePath())) instanceof Map);
    }

    @Test
    void guard_blocksBigModelsInWorkHoursOnly_andForceOverrides() {
        ok("set_work_hours_guard", "enabled", true);
        String refused = error("set_model", "model_name", "quality");
        assertTrue(refused.startsWith("not switched: "), refused);
        assertEquals("Qwen2.5-Coder-14B-Instruct-4bit", structured(ok("set_model", "model_name", "default")).get("model"), "a small model is not guarded");
        assertEquals("Qwen3-Coder-30B-A3B-Instruct-MLX-4bit", structured(ok("set_model", "model_name", "quality", "force", true)).get("model"));
        now.set(ZonedDateTime.of(2026, 11, 28, 10, 0, 0, 0, DENVER)); // Saturday
        assertEquals("tier quality", structured(ok("set_model", "model_name", "quality")).get("matched_by"));
        now.set(ZonedDateTime.of(2026, 11, 23, 18, 30, 0, 0, DENVER)); // Monday evening
        ok("set_model", "model_name", "quality");
        ok("set_work_hours_guard", "enabled", false);
        now.set(ZonedDateTime.of(2026, 11, 23, 10, 0, 0, 0, DENVER));
        ok("set_model", "model_name", "quality");
    }

    @Test
    void guard_badValues_sayWhatIsExpected() {
        assertTrue(error("set_work_hours_guard", "enabled", true, "start", "8am").contains("start/end as HH:MM"));
        assertTrue(error("set_work_hours_guard", "enabled", true, "start", "17:00", "end", "08:00").contains("must be after 'start'"));
        assertTrue(error("set_work_hours_guard", "enabled", true, "timezone", "Mars/Olympus").contains("timezone like America/Denver"));
    }

    @Test
    void tiersFile_replacesTheDefaults_andABrokenOneIsNamed() throws Exception {
        Files.createDirectories(config.home());
        Files.writeString(config.home().resolve("tiers.json"), "{\"big\": {\"model\": \"Qwen3-Coder-30B-A3B-Instruct-MLX-4bit\", \"description\": \"the big one\"}}");
        assertEquals("tier big", structured(ok("set_model", "model_name", "big")).get("matched_by"));
        var listed = ok("list_models");
        assertTrue(listed.text().contains("the big one"), listed.text());
        var models = (List<?>) structured(listed).get("models");
        assertEquals(3, models.size());
        var big = (Map<?, ?>) models.get(2);
        assertEquals("big", big.get("tier"));
        assertEquals(true, big.get("active"));
        Files.writeString(config.home().resolve("tiers.json"), "{\"big\": \"just a name\"}");
        String broken = error("set_model", "model_name", "big");
        assertTrue(broken.contains("tiers.json") && broken.contains("tier 'big' must be {\"model\""), broken);
    }

    @Test
    void modelsResource_isTheSameDataAsListModels() {
        var resource = ModelTools.resources(config, new Backend(config, List.of())).get(0);
        String json = resource.reader().apply("hearth://models").orElseThrow();
        assertEquals(structured(ok("list_models")), Json.parse(json));
    }

    private ToolResult call(String tool, Object... args) {
        Tool t = tools.stream().filter(x -> x.name().equals(tool)).findFirst().orElseThrow();
        return McpServer.run(t, Json.obj(args), Call.detached());
    }

    private ToolResult ok(String tool, Object... args) {
        ToolResult r = call(tool, args);
        assertFalse(r.isError(), r.text());
        return r;
    }

    private String error(String tool, Object... args) {
        ToolResult r = call(tool, args);
        assertTrue(r.isError(), "expected an error, got: " + r.text());
        return r.text();
    }

    private static Map<String, Object> structured(ToolResult r) {
        return r.structuredContent();
    }
}
