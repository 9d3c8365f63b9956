package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.config.Config;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @Test
    void help_listsEveryOptionAndEnvironmentVariable() {
        assertEquals(0, run(Map.of(), "--help"));
        for (Config.Setting s : Config.SETTINGS) {
            assertTrue(out().contains(s.flag()), "--help lacks " + s.flag());
            for (String env : s.env()) assertTrue(out().contains(env), "--help lacks " + env);
        }
        assertTrue(out().contains("call TOOL"));
    }

    @Test
    void userHome_isHomeFromTheEnvironment_asTheClientsRead_elseJavasUserHome() {
        assertEquals(Path.of("/home/elsewhere"), Main.userHome(Map.of("HOME", "/home/elsewhere"), "/root"));
        assertEquals(Path.of("/root"), Main.userHome(Map.of(), "/root"));
        assertEquals(Path.of("/root"), Main.userHome(Map.of("HOME", " "), "/root"));
        assertEquals(Path.of("/root"), Main.userHome(Map.of("HOME", "relative/dir"), "/root"), "a relative HOME names no one's home");
    }

    @Test
    void version_printsIt() {
        assertEquals(0, run(Map.of(), "--version"));
        assertEquals("hearth " + Config.VERSION, out().strip());
    }

    @Test
    void badUsage_exits1WithAHint() {
        assertEquals(1, run(Map.of(), "--prot"));
        assertEquals("error: unknown option: --prot (try --help)", err().strip());
        assertEquals(1, run(Map.of(), "frobnicate"));
        assertEquals(1, run(Map.of(), "call"));
        assertEquals(1, run(Map.of(), "--model"));
        assertTrue(err().contains("option --model needs a value"));
        assertEquals(1, run(Map.of(), "call", "get_config", "oops"));
        assertTrue(err().contains("expected key=value after the tool name, got 'oops'"));
    }

    @Test
    void call_printsToolText_andFlagBeatsEnvironment() {
        assertEquals(0, run(Map.of("HEARTH_MODEL", "from-env", "HEARTH_BACKEND", "ollama"), "call", "get_config", "--model", "from-flag"));
        assertTrue(out().contains("model                from-flag  (flag --model)"), out());
        assertTrue(out().contains("backend              ollama  (env HEARTH_BACKEND)"), out());
    }

    @Test
    void call_secret_isNeverShown() {
        assertEquals(0, run(Map.of("HEARTH_API_KEY", "sk-very-secret"), "call", "get_config"));
        assertFalse(out().contains("sk-very-secret"));
        assertTrue(out().contains("api_key              set  (env HEARTH_API_KEY)"), out());
    }

    @Test
    void call_toolError_exits1_unknownTool_exits1() {
        assertEquals(1, run(Map.of(), "call", "get_config", "x=1"));
        assertTrue(err().contains("unknown argument 'x'"), err());
        assertEquals(1, run(Map.of(), "call", "nope"));
        assertTrue(err().contains("unknown tool: nope (tools: ") && err().contains("get_config"), err());
    }

    @Test
    void stateFile_isReadBelowEnvironment_andABrokenOneCannotStart() throws Exception {
        Files.writeString(home.resolve("state.json"), "{\"model\": \"from-state\"}");
        assertEquals(0, run(Map.of(), "call", "get_config"));
        assertTrue(out().contains("model                from-state  (state "), out());
        Files.writeString(home.resolve("state.json"), "{\"model\": ");
        assertEquals(2, run(Map.of(), "call", "get_config"));
        assertTrue(err().contains("cannot read " + home.resolve("state.json")), err());
        assertTrue(err().contains("at 1:11"), err());
    }

    @Test
    void unknownToolInHearthTools_cannotStart() {
        assertEquals(2, run(Map.of("HEARTH_TOOLS", "get_config,chatt"), "call", "get_config"));
        assertTrue(err().contains("unknown tool 'chatt'"), err());
    }

    @Test
    void serve_answersOverTheGivenStreams() {
        String in = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";
        assertEquals(0, Main.run(new String[0], new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("HEARTH_HOME", home.toString()), home));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", out().strip());
    }

    private int run(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        var fullEnv = new java.util.HashMap<>(env);
        fullEnv.put("HEARTH_HOME", home.toString());
        return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), fullEnv, home);
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }
    private String err() { return err.toString(StandardCharsets.UTF_8); }
}
