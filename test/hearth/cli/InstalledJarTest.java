package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The built jar installs itself (java -Duser.home=<temp> -jar build/hearth.jar install), and the
// command it registered really serves MCP: with the class cache it trained (on JDK 25 an AOT cache,
// which AOTMode=on refuses to start without; before, a CDS archive, which -Xshare:on refuses to
// start without, and the class-load log shows each class came from), and through real clients
// (../shared/checks/real-clients.sh).
class InstalledJarTest {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

    @TempDir Path home;

    @Test
    void jdk25_install_trainsAnAotCache_thatTheRegisteredCommandUses() throws Exception {
        Path java = jdk25();
        Result install = exec(List.of(java.toString(), "-Duser.home=" + home, "-jar", "build/hearth.jar", "install", "--client", "cursor"), "");
        assertEquals(0, install.status, install.output);
        assertTrue(install.output.contains("Created the AOT cache"), install.output);
        List<String> command = registered(home.resolve(".cursor/mcp.json"));
        assertTrue(command.contains("-XX:AOTCache=" + home.resolve(".hearth/hearth.aot")), command.toString());
        assertTrue(Files.size(home.resolve(".hearth/hearth.aot")) > 0);
        command.add(command.indexOf("-jar"), "-XX:AOTMode=on");  // refuse to start rather than silently skip a bad cache
        Result served = exec(command, INITIALIZE, Map.of());
        assertEquals(0, served.status, served.output);
        assertTrue(served.output.contains("\"protocolVersion\":\"2025-06-18\""), served.output);
    }

    @Test
    void jdkBefore25_engineInstall_dumpsACdsArchive_thatTheRegisteredCommandMapsEveryClassFrom() throws Exception {
        if (Runtime.version().feature() >= 25) {
            System.err.println("\n!!! InstalledJarTest: SKIPPED the CDS archive - the tests run on JDK " + Runtime.version().feature() + ", which trains an AOT cache instead !!!\n");
            Assumptions.abort("JDK 25+ trains an AOT cache");
        }
        Path model = Path.of(JarTest.llamaServerScript("model", "tiny-qwen2").strip());
        Result install = exec(List.of(JarTest.java(), "-jar", "build/hearth.jar", "install", "--client", "cursor", "--model-file", model.toString()), "");
        assertEquals(0, install.status, install.output);
        assertTrue(install.output.contains("Created the CDS archive " + home.resolve(".hearth/hearth-engine.jsa")), install.output);
        List<String> command = registered(home.resolve(".cursor/mcp.json"));
        assertTrue(command.contains("-XX:SharedArchiveFile=" + home.resolve(".hearth/hearth-engine.jsa")), command.toString());
        var engineEnv = entryEnv(home.resolve(".cursor/mcp.json"));
        assertEquals(model.toString(), engineEnv.get("HEARTH_MODEL_FILE"), engineEnv.toString());
        assertEquals("2", engineEnv.get("MALLOC_ARENA_MAX"), "the engine's entry carries install's malloc settings: " + engineEnv);
        assertEquals("8192", engineEnv.get("MALLOC_MMAP_THRESHOLD_"), "the engine's entry carries install's malloc settings: " + engineEnv);
        // a server that calls a backend, installed next, trains its own archive and leaves the engine's alone
        Result second = exec(List.of(JarTest.java(), "-jar", "build/hearth.jar", "install", "--client", "claude-code"), "");
        assertEquals(0, second.status, second.output);
        assertTrue(registered(home.resolve(".claude.json")).contains("-XX:SharedArchiveFile=" + home.resolve(".hearth/hearth.jsa")));
        var backendEnv = entryEnv(home.resolve(".claude.json"));
        assertFalse(backendEnv.containsKey("MALLOC_ARENA_MAX") || backendEnv.containsKey("MALLOC_MMAP_THRESHOLD_"),
                "a backend-calling server's entry needs no malloc setting: " + backendEnv);
        // what only a contended ConcurrentHashMap loads is in the archive too, though training never contends
        var printed = new ArrayList<>(command.subList(0, command.indexOf("-jar")));
        printed.addAll(List.of("-Xshare:on", "-XX:+PrintSharedArchiveAndExit", "-jar", command.get(command.size() - 1)));
        Result archive = exec(printed, "", Map.of());
        for (String name : hearth.install.Launch.CONTENDED_CLASSES) {
            assertTrue(archive.output.contains(": " + name.replace('/', '.') + " boot_loader"), name + " is not in the archive:\n" + archive.output);
        }
        Path loaded = home.resolve("loaded.txt");
        command.addAll(command.indexOf("-jar"), List.of("-Xshare:on", "-Xlog:class+load=info:file=" + loaded));
        Result served = exec(command, INITIALIZE + INITIALIZED + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"chat\",\"arguments\":{\"message\":\"Hi\",\"max_tokens\":3,\"temperature\":0}}}\n", Map.of("HEARTH_MODEL_FILE", model.toString()));
        assertEquals(0, served.status, served.output);
        assertTrue(served.output.contains("🏠 LOCAL"), served.output);
        String log = Files.readString(loaded);
        for (String name : List.of("hearth.mcp.McpServer", "hearth.engine.Transformer", "hearth.engine.VectorKernels", "jdk.incubator.vector.FloatVector")) {
            assertTrue(log.contains(" " + name + " source: shared objects file"), name + " was not mapped from the archive:\n" + log);
        }
        for (String line : log.split("\n")) {  // classes the JVM generates as it runs (lambdas, method handles) are hidden: "Name/0x..."
            boolean hidden = line.matches(".*\\] \\S+/0x\\p{XDigit}+ source: .*");
            assertTrue(hidden || line.contains("source: shared objects file"), "loaded, not mapped from the archive: " + line);
        }
    }

    @Tag("check")
    @Test
    void realClients_connectToTheInstalledCommand() throws Exception {
        Path script = JarTest.shared().resolve("checks/real-clients.sh");
        Assumptions.assumeTrue(Files.isExecutable(script), "no " + script);
        Result install = exec(List.of(JarTest.java(), "-Duser.home=" + home, "-jar", "build/hearth.jar", "install"), "");
        assertEquals(0, install.status, install.output);
        var command = new ArrayList<>(List.of(script.toString(), "--"));
        command.addAll(registered(home.resolve(".claude.json")));
        assertTrue(realClients(command).contains(" 0 failed"));
    }

    @Tag("check")
    @Test
    void realClients_callChatThroughTheInstalledEngine() throws Exception {
        // The "done": a client's config runs hearth on a GGUF file, and the client's model
        // calls chat, answered by the embedded engine, through Claude Code, Codex, Gemini CLI and
        // the MCP Inspector alike (each driven by the script's local fake model).
        Path script = JarTest.shared().resolve("checks/real-clients.sh");
        Assumptions.assumeTrue(Files.isExecutable(script), "no " + script);
        Path model = Path.of(JarTest.llamaServerScript("model", "tiny-qwen2").strip());
        Result install = exec(List.of(JarTest.java(), "-jar", "build/hearth.jar", "install", "--model-file", model.toString()), "");
        assertEquals(0, install.status, install.output);
        var command = new ArrayList<>(List.of(script.toString(), "--timeout", "120", "--call", "chat", "--args", "{\"message\":\"Say hi\",\"max_tokens\":4}"));
        var entry = (Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(home.resolve(".claude.json"))).get("mcpServers")).get("hearth");
        for (var e : ((Map<?, ?>) entry.get("env")).entrySet()) command.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
        command.add("--");
        command.addAll(registered(home.resolve(".claude.json")));
        String output = realClients(command);
        assertTrue(output.contains("real-clients: 8 passed, 0 failed"), output);
        for (String client : List.of("claude-call", "codex-call", "gemini-call", "inspector-call")) {
            assertTrue(output.lines().anyMatch(l -> l.startsWith(client + ": ok") && (l.contains("embedded") || l.contains("LOCAL"))),
                    client + " did not get the engine's answer:\n" + output);
        }
    }

    private static Map<?, ?> entryEnv(Path config) throws IOException {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(config)).get("mcpServers")).get("hearth")).get("env");
    }

    /** real-clients.sh's output once it exited 0; the test is skipped, loudly, when it could not install the clients (exit 3). */
    private String realClients(List<String> command) throws Exception {
        Result check = exec(command, "");
        if (check.status == 3) {
            System.err.println("\n!!! InstalledJarTest: SKIPPED real clients - real-clients.sh could not install them (exit 3):\n" + check.output + "!!!\n");
            Assumptions.abort("real-clients.sh exit 3: " + check.output);
        }
        assertEquals(0, check.status, check.output);
        return check.output;
    }

    private static List<String> registered(Path config) throws Exception {
        var entry = (Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(config)).get("mcpServers")).get("hearth");
        var command = new ArrayList<String>();
        command.add((String) entry.get("command"));
        for (Object a : (List<?>) entry.get("args")) command.add((String) a);
        return command;
    }

    private static Path jdk25() {
        File[] jdks = new File("/usr/lib/jvm").listFiles();
        for (File jdk : jdks == null ? new File[0] : jdks) {
            var m = java.util.regex.Pattern.compile("(\\d+)").matcher(jdk.getName());
            if (m.find() && Integer.parseInt(m.group(1)) >= 25 && new File(jdk, "bin/java").canExecute()) return jdk.toPath().resolve("bin/java");
        }
        System.err.println("\n!!! InstalledJarTest: SKIPPED the AOT cache - no JDK 25+ under /usr/lib/jvm !!!\n");
        Assumptions.abort("no JDK 25+ under /usr/lib/jvm");
        return null;
    }

    record Result(int status, String output) {}

    private Result exec(List<String> command, String stdin) throws Exception {
        return exec(command, stdin, Map.of());
    }

    private Result exec(List<String> command, String stdin, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_") || k.startsWith("CLAUDE_") || k.equals("CODEX_HOME"));
        builder.environment().put("HEARTH_HOME", home.resolve(".hearth").toString());
        builder.environment().put("HOME", home.toString());   // what hearth takes as the user's home; -Duser.home only as its fallback
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), output);
    }
}
