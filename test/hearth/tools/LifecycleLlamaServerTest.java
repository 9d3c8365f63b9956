package hearth.tools;

import static org.junit.jupiter.api.Assertions.*;

import hearth.config.Config;
import hearth.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// load_model and unload_model against the real llama-server of ../shared/backends/llama-server.sh:
// once in router mode (--models-dir with the two tiny models, started here), once as the usual
// single-model server (started by the script), which must answer how to start a router instead.
// Ports 18210-18219 only. Skips only when the script exits 3 (a build need is missing).
class LifecycleLlamaServerTest {
    static final int ROUTER_PORT = 18213;
    static final int SINGLE_PORT = 18214;
    static Process router;
    static String single;
    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        script("stop", String.valueOf(SINGLE_PORT));
        var p = new ProcessBuilder("bash", script().toString(), "start", String.valueOf(SINGLE_PORT)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        if (code == 3) {
            System.err.println("SKIPPED: LifecycleLlamaServerTest needs llama-server; llama-server.sh exited 3 (a need is missing, see above)");
            Assumptions.abort("llama-server.sh exited 3");
        }
        assertEquals(0, code, "llama-server.sh start failed: " + out);
        single = out;

        Path models = Files.createDirectories(dir.resolve("models"));
        for (String name : List.of("tiny-qwen2", "tiny-llama3")) Files.createSymbolicLink(models.resolve(name + ".gguf"), Path.of(script("model", name)));
        Path bin = Path.of(script("path")).resolve("llama-bin/llama-server");
        router = new ProcessBuilder(bin.toString(), "--models-dir", models.toString(), "--models-max", "1", "--no-models-autoload",
                "--host", "127.0.0.1", "--port", String.valueOf(ROUTER_PORT), "-c", "512", "--jinja").redirectErrorStream(true).start();
        var log = new BufferedReader(new InputStreamReader(router.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = log.readLine()) != null && !line.contains("listening on http://127.0.0.1:" + ROUTER_PORT)) { /* start-up lines */ }
        assertNotNull(line, "the router exited before listening");
        Thread drain = new Thread(() -> {                       // a full pipe would stall the router
            try {
                log.lines().forEach(l -> { });
            } catch (UncheckedIOException e) {
                // stop() closed the pipe: the router's log ends here
            }
        }, "router-log");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() throws Exception {
        script("stop", String.valueOf(SINGLE_PORT));
        if (router != null) {
            router.descendants().forEach(ProcessHandle::destroy);   // the model processes the router started
            router.destroy();
            router.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void router_listsLoadsAndUnloads() throws Exception {
        var c = client("http://127.0.0.1:" + ROUTER_PORT);
        c.call(1, "list_models", Json.obj(), null);
        String list = ChatToolsTest.text(ChatToolsTest.result(c.next()));
        assertTrue(list.contains("tiny-qwen2  [not loaded]") && list.contains("tiny-llama3  [not loaded]"), list);
        c.call(11, "health_check", Json.obj(), null);
        var health = (Map<?, ?>) ChatToolsTest.result(c.next()).get("structuredContent");
        assertEquals("ok", health.get("status"), String.valueOf(health));
        assertEquals("0/2", health.get("models_loaded"), "a router counts only what it has loaded");

        var loaded = call(c, 2, "load_model", Json.obj("model", "tiny-qwen2"));
        assertNotEquals(true, loaded.get("isError"), ChatToolsTest.text(loaded));
        assertTrue(ChatToolsTest.text(loaded).startsWith("🏠 LOCAL · tiny-qwen2\n\n✅ Loaded tiny-qwen2 on llama-server in "), ChatToolsTest.text(loaded));
        assertEquals("loaded", structured(loaded).get("state"));
        assertEquals("llamacpp", structured(loaded).get("backend"));
        assertEquals("already loaded", structured(call(c, 3, "load_model", Json.obj("model", "tiny-qwen2"))).get("state"));

        var chat = call(c, 4, "chat", Json.obj("message", "hi", "model", "tiny-qwen2", "max_tokens", 4L));
        assertNotEquals(true, chat.get("isError"), ChatToolsTest.text(chat));

        var unloaded = call(c, 5, "unload_model", Json.obj("model", "tiny-qwen2"));
        assertEquals("unloaded", structured(unloaded).get("state"), ChatToolsTest.text(unloaded));
        assertEquals("not loaded", structured(call(c, 6, "unload_model", Json.obj("model", "tiny-qwen2"))).get("state"));

        var unknown = call(c, 7, "load_model", Json.obj("model", "nope"));
        assertEquals(true, unknown.get("isError"));
        assertTrue(ChatToolsTest.text(unknown).contains("llama-server's router has no model 'nope'; it has: tiny-llama3, tiny-qwen2"), ChatToolsTest.text(unknown));
    }

    @Test
    void router_perLoadSettings_areRefusedByName() throws Exception {
        var r = call(client("http://127.0.0.1:" + ROUTER_PORT), 1, "load_model", Json.obj("model", "tiny-llama3", "context_length", 4096L));
        assertEquals(true, r.get("isError"));
        assertTrue(ChatToolsTest.text(r).startsWith("argument 'context_length' is not supported by llama-server's router: each model runs with "
                + "the router's own flags or its --models-preset section"), ChatToolsTest.text(r));
    }

    @Test
    void singleModelServer_answersHowToStartARouter() throws Exception {
        var c = client(single);
        for (String tool : List.of("load_model", "unload_model")) {
            var r = call(c, tool.length(), tool, Json.obj("model", "tiny-llama3"));
            assertEquals(true, r.get("isError"), tool);
            assertTrue(ChatToolsTest.text(r).startsWith("llama-server at " + single + " runs the one model it was started with (-m), so it cannot "
                    + "load or unload models. Start it in router mode instead, without -m: `llama-server --models-dir"), ChatToolsTest.text(r));
        }
        var download = call(c, 9, "download_model", Json.obj("model", "tiny-llama3"));
        assertTrue(ChatToolsTest.text(download).startsWith("downloading a model is not supported by llama-server - llama-server downloads at start-up"),
                ChatToolsTest.text(download));
    }

    private McpClient client(String url) throws Exception {
        Files.createDirectories(dir.resolve("home"));
        return new McpClient(Registry.server(Config.load(Map.of("base_url", url, "timeout", "60", "load_timeout", "60", "poll_interval", "0.1"),
                Map.of(), dir.resolve("home"))));
    }

    private static Map<String, Object> call(McpClient c, long id, String tool, Map<String, Object> arguments) {
        c.call(id, tool, arguments, null);
        McpClient.Message m;
        do m = c.next(); while (!Long.valueOf(id).equals(m.json().get("id")));
        return ChatToolsTest.result(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(Map<String, Object> result) {
        return (Map<String, Object>) result.get("structuredContent");
    }

    private static Path script() {
        return Path.of(System.getProperty("hearth.shared", "../shared")).resolve("backends/llama-server.sh");
    }

    /** Runs the script with `args` and returns its stdout, trimmed. */
    private static String script(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("bash", script().toString()));
        command.addAll(List.of(args));
        var p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }
}
