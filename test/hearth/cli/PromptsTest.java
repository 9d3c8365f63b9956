package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// commands/*.md as MCP prompts, over the real stdio server: prompts/list names all four with the
// front matter's description, and prompts/get returns the file's body, arguments filled in.
class PromptsTest {
    @TempDir Path home;

    @Test
    void promptsListAndGet_serveTheCommandFiles() throws Exception {
        List<Map<String, Object>> replies = session(
                req(2, "prompts/list", Json.obj()),
                req(3, "prompts/get", Json.obj("name", "switch-model", "arguments", Json.obj("model", "qwen3-coder"))),
                req(4, "prompts/get", Json.obj("name", "big-model")),
                req(5, "prompts/get", Json.obj("name", "nope")));
        var prompts = (List<?>) result(replies, 2).get("prompts");
        assertEquals(List.of("switch-model", "big-model", "big-model-done", "hearth-help"), prompts.stream().map(p -> ((Map<?, ?>) p).get("name")).toList());
        var switchModel = (Map<?, ?>) prompts.get(0);
        assertEquals("Switch hearth's local model (by name, name fragment or tier) and test it", switchModel.get("description"));
        assertEquals("Switch the local model", switchModel.get("title"));
        assertEquals(List.of(Json.obj("name", "model", "description", "[model name, fragment or tier]", "required", false)), switchModel.get("arguments"));

        String body = Files.readString(Path.of("commands/switch-model.md"));
        body = body.substring(body.indexOf("\n---\n") + 5).strip() + "\n";
        assertEquals(body.replace("$ARGUMENTS", "qwen3-coder"), text(result(replies, 3)));
        String big = text(result(replies, 4));
        assertTrue(big.contains("Requested tier: \n(if nothing follows the colon, use `quality`)"), big);
        assertTrue(big.contains("`set_model`") && big.contains("`load_model`") && big.contains("`quick_test`"), big);
        assertTrue(Json.write(replies.stream().filter(r -> Long.valueOf(5).equals(r.get("id"))).findFirst().orElseThrow()).contains("Unknown prompt: nope"));
    }

    @Test
    void commandFiles_haveFrontMatterForClaudeCode() throws Exception {
        for (String name : List.of("switch-model", "big-model", "big-model-done", "hearth-help")) {
            String text = Files.readString(Path.of("commands", name + ".md"));
            assertTrue(text.startsWith("---\ndescription: "), name);
            assertTrue(text.indexOf("\n---\n") > 0, name);
            if (!name.equals("hearth-help")) assertTrue(text.contains("argument-hint: ") && text.contains("$ARGUMENTS"), name);
        }
    }

    private List<Map<String, Object>> session(String... requests) {
        String in = String.join("\n",
                req(1, "initialize", Json.obj("protocolVersion", "2025-06-18", "capabilities", Json.obj(), "clientInfo", Json.obj("name", "t", "version", "1"))),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                String.join("\n", requests)) + "\n";
        var out = new ByteArrayOutputStream();
        var env = new HashMap<String, String>();
        env.put("HEARTH_HOME", home.toString());
        assertEquals(0, Main.run(new String[0], new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env, home));
        return out.toString(StandardCharsets.UTF_8).lines().map(Json::parseObject).toList();
    }

    private static String req(long id, String method, Map<String, Object> params) {
        return Json.write(Json.obj("jsonrpc", "2.0", "id", id, "method", method, "params", params));
    }

    private static Map<?, ?> result(List<Map<String, Object>> replies, long id) {
        return (Map<?, ?>) replies.stream().filter(r -> Long.valueOf(id).equals(r.get("id"))).findFirst().orElseThrow().get("result");
    }

    private static String text(Map<?, ?> result) {
        var message = (Map<?, ?>) ((List<?>) result.get("messages")).get(0);
        assertEquals("user", message.get("role"));
        return (String) ((Map<?, ?>) message.get("content")).get("text");
    }
}
