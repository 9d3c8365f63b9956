package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.io.File;
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
// command it registered really serves MCP: on JDK 25 with the AOT cache it trained (AOTMode=on
// fails if the cache is unusable), and through real clients (../shared/checks/real-clients.sh).
class InstalledJarTest {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";

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
        Result served = exec(command, INITIALIZE);
        assertEquals(0, served.status, served.output);
        assertTrue(served.output.contains("\"protocolVersion\":\"2025-06-18\""), served.output);
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
        Result check = exec(command, "");
        if (check.status == 3) {
            System.err.println("\n!!! InstalledJarTest: SKIPPED real clients - real-clients.sh could not install them (exit 3):\n" + check.output + "!!!\n");
            Assumptions.abort("real-clients.sh exit 3: " + check.output);
        }
        assertEquals(0, check.status, check.output);
        assertTrue(check.output.contains(" 0 failed"), check.output);
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
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_") || k.startsWith("CLAUDE_") || k.equals("CODEX_HOME"));
        builder.environment().put("HEARTH_HOME", home.resolve(".hearth").toString());
        builder.environment().put("HOME", home.toString());   // what hearth takes as the user's home; -Duser.home only as its fallback
        Process p = builder.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), output);
    }
}
