package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import hearth.testing.Conformance;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The built artifact, end to end over real pipes: build/hearth.jar on this JDK (17 in CI), the
// sources launched directly on a JDK 22+ (`java src/hearth/cli/Main.java`), SIGTERM, and the
// official MCP conformance suite through ../shared/checks/conformance.sh --stdio.
class JarTest {
    private static final String SESSION = String.join("\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"jar-test\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "this line is not JSON",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get_config\",\"arguments\":{}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"hearth://config\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}") + "\n";

    @TempDir Path home;

    @Test
    void jar_overStdio_writesOnlyJsonRpcAndExits0AtEof() throws Exception {
        assertCleanSession(List.of(java(), "-jar", "build/hearth.jar"));
    }

    @Test
    void sources_launchOnJdk22Plus_serveTheSameProtocol() throws Exception {
        Path jdk = newJdk();
        assertCleanSession(List.of(jdk.resolve("bin/java").toString(), "src/hearth/cli/Main.java"));
    }

    @Test
    void jar_onSigterm_finishesAndExits0() throws Exception {
        var process = start(List.of(java(), "-jar", "build/hearth.jar"));
        process.getOutputStream().write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", reader.readLine());
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of SIGTERM");
        assertEquals(0, process.exitValue());
    }

    @Test
    void jar_exitCodes() throws Exception {
        assertEquals(0, exit(List.of(java(), "-jar", "build/hearth.jar", "--version")));
        assertEquals(1, exit(List.of(java(), "-jar", "build/hearth.jar", "--no-such-flag")));
        assertEquals(1, exit(List.of(java(), "-jar", "build/hearth.jar", "call", "no_such_tool")));
        Files.writeString(home.resolve("state.json"), "{broken");
        assertEquals(2, exit(List.of(java(), "-jar", "build/hearth.jar")));
    }

    @Test
    void conformanceSuite_overStdio_passesEveryApplicableScenario() throws Exception {
        Path script = shared().resolve("checks/conformance.sh");
        Path results = home.resolve("conformance-results");
        var command = new ArrayList<>(List.of("bash", script.toString(), "--stdio",
                "env HEARTH_HOME=" + home + " " + java() + " -jar build/hearth.jar", "--out", results.toString()));
        Conformance.assertPasses(new ProcessBuilder(command));
    }

    private void assertCleanSession(List<String> command) throws Exception {
        var process = start(command);
        process.getOutputStream().write(SESSION.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of stdin EOF");
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "exit status; stderr:\n" + stderr);
        var ids = new ArrayList<Object>();
        for (String line : stdout.split("\n", -1)) {
            if (line.isEmpty()) continue;
            var message = (Map<?, ?>) Json.parse(line);   // every stdout line is one JSON-RPC message
            assertEquals("2.0", message.get("jsonrpc"), line);
            assertTrue(message.containsKey("result") || message.containsKey("error"), line);
            ids.add(message.get("id"));
        }
        ids.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        assertEquals(java.util.Arrays.asList(1L, 2L, 3L, 4L, 5L, null), ids, "one answer per request and one parse error:\n" + stdout);
        assertTrue(stdout.endsWith("\n"));
    }

    private Process start(List<String> command) throws Exception {
        var builder = new ProcessBuilder(command);
        builder.environment().put("HEARTH_HOME", home.toString());
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_") && !k.equals("HEARTH_HOME"));
        return builder.start();
    }

    private int exit(List<String> command) throws Exception {
        var process = start(command);
        process.getOutputStream().close();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return process.exitValue();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** ../shared/backends/llama-server.sh's output; exit 3 (a need is missing) skips, loudly. */
    static String llamaServerScript(String... args) throws Exception {
        var command = new ArrayList<>(List.of("bash", JarTest.shared().resolve("backends/llama-server.sh").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() == 3) {
            System.err.println("\n!!! SKIPPED - llama-server.sh exited 3 (a need is missing) !!!\n");
            Assumptions.abort("llama-server.sh exited 3");
        }
        assertEquals(0, p.exitValue(), "llama-server.sh " + String.join(" ", args));
        return out;
    }

    static Path shared() {
        return Path.of(System.getProperty("hearth.shared", "../shared"));
    }

    /** A JDK 22+ for source launch: $HEARTH_JDK22 or the newest one under /usr/lib/jvm. */
    private static Path newJdk() {
        String configured = System.getenv("HEARTH_JDK22");
        if (configured != null) return Path.of(configured);
        File[] jdks = new File("/usr/lib/jvm").listFiles();
        for (File jdk : jdks == null ? new File[0] : jdks) {
            var m = java.util.regex.Pattern.compile("(\\d+)").matcher(jdk.getName());
            if (m.find() && Integer.parseInt(m.group(1)) >= 22 && new File(jdk, "bin/java").canExecute()) return jdk.toPath();
        }
        Assumptions.abort("SKIPPED LOUDLY: no JDK 22+ found under /usr/lib/jvm and HEARTH_JDK22 is unset; source launch untested");
        return null;
    }
}
