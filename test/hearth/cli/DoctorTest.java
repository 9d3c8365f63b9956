package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import hearth.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// doctor against a loopback backend that answers as Ollama does, and against a stopped one; the
// clients section finds what install wrote, with the jar it points at.
class DoctorTest {
    @TempDir Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private HttpServer backend;

    @AfterEach
    void stop() {
        if (backend != null) backend.stop(0);
    }

    @Test
    void doctor_reachableBackend_modelsAndRegisteredClients() throws Exception {
        String url = start();
        assertEquals(0, run(Map.of(), "install", "--client", "cursor", "--jar", InstallTest.JAR.toString()), err());
        assertEquals(0, run(Map.of(), "install", "--client", "codex", "--jar", InstallTest.JAR.toString()), err());
        assertEquals(0, run(Map.of("HEARTH_BASE_URL", url + "/v1/"), "doctor", "--project", home.resolve("p").toString()), out() + err());
        String report = out();
        assertTrue(report.contains("base_url             " + url + "/v1/  (env HEARTH_BASE_URL)"), report);
        assertTrue(report.contains(url + ": reachable, Ollama 0.9.1, "), report);
        assertTrue(report.contains("models (2): qwen3:8b, llama3.2:3b"), report);
        String jar = home.resolve(".hearth/hearth.jar").toString();
        assertTrue(report.contains("cursor (user)              " + home.resolve(".cursor/mcp.json") + ": hearth → " + jar + ", starts with its class cache\n"), report);
        assertTrue(report.contains("codex (user)               " + home.resolve(".codex/config.toml") + ": hearth → " + jar + ", starts with its class cache\n"), report);
        assertTrue(report.contains("gemini (user)              -"), report);

        // the jar copied over since install: the JVM refuses the class cache, and doctor says what to do
        Files.setLastModifiedTime(Path.of(jar), FileTime.fromMillis(Files.getLastModifiedTime(Path.of(jar)).toMillis() - 60_000));
        assertEquals(0, run(Map.of("HEARTH_BASE_URL", url + "/v1/"), "doctor", "--project", home.resolve("p").toString()), out() + err());
        assertTrue(out().contains(": hearth → " + jar + ", starts, but its JVM refuses the class cache (the JDK or the jar changed since install; run install again)\n"), out());

        // a java that is gone (a JDK uninstalled since install): the command does not start, and doctor fails
        Path cursor = home.resolve(".cursor/mcp.json");
        var config = Json.parseObject(Files.readString(cursor));
        @SuppressWarnings("unchecked") var entry = (Map<String, Object>) ((Map<?, ?>) config.get("mcpServers")).get("hearth");
        entry.put("command", home.resolve("no-jdk/bin/java").toString());
        Files.writeString(cursor, Json.write(config));
        assertEquals(1, run(Map.of("HEARTH_BASE_URL", url + "/v1/"), "doctor", "--project", home.resolve("p").toString()));
        assertTrue(out().contains(": hearth → " + jar + ", DOES NOT START: cannot run " + home.resolve("no-jdk/bin/java")), out());
    }

    @Test
    void doctor_backendDown_exits1_andSaysWhatToDo() throws Exception {
        String url = start();
        backend.stop(0);
        backend = null;
        assertEquals(1, run(Map.of("HEARTH_BASE_URL", url), "doctor"));
        assertTrue(out().contains(url + ": cannot reach " + url + "/v1/models"), out());
        assertTrue(out().contains("No backend answered. Start one"), out());
    }

    @Test
    void doctor_withAModelFile_reportsTheEngine_andAFileItCannotRun() throws Exception {
        String model = JarTest.llamaServerScript("model", "tiny-qwen2").strip();
        assertEquals(0, run(Map.of("HEARTH_MODEL_FILE", model), "doctor"), out() + err());
        assertTrue(out().contains("Backend: hearth's own engine, model_file from env HEARTH_MODEL_FILE:\n  " + model
                + " (tiny-random-qwen2: qwen2, "), out());
        assertTrue(out().contains(", trained context 4096, chat template chatml)"), out());
        assertFalse(out().contains("No backend answered"), "no server is needed: " + out());

        Path notGguf = Files.writeString(home.resolve("notes.gguf"), "not a model");
        assertEquals(1, run(Map.of("HEARTH_MODEL_FILE", notGguf.toString()), "doctor"));
        assertTrue(out().contains("cannot run model file " + notGguf + ": expected a GGUF model file"), out());
        assertEquals(1, run(Map.of("HEARTH_MODEL_FILE", model, "HEARTH_CHAT_TEMPLATE", "jinja"), "doctor"), "a setting the server cannot start with");
        assertTrue(out().contains("  The server cannot start with these settings: chat_template must be one of chatml, "), out());
        assertTrue(out().contains("Clients (hearth's entry"), "the rest of the report still comes: " + out());
    }

    private String start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String reply = path.equals("/v1/models") ? "{\"object\":\"list\",\"data\":[{\"id\":\"qwen3:8b\"},{\"id\":\"llama3.2:3b\"}]}"
                        : path.equals("/api/version") ? "{\"version\":\"0.9.1\"}" : "404 page not found";
                byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(reply.startsWith("404") ? 404 : 200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        backend.start();
        return "http://127.0.0.1:" + backend.getAddress().getPort();
    }

    private int run(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new HashMap<>(env), home);
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }
    private String err() { return err.toString(StandardCharsets.UTF_8); }
}
