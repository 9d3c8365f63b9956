package hearth.cli;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// install and uninstall through Main.run, into a temp HOME, for every client and scope: what was
// written parses and holds hearth's entry, every other setting is unchanged, and uninstall gives
// back the file byte for byte. Also: refusals, --dry-run, env entries, spaces in paths.
class InstallTest {
    static final Path JAR = Path.of("build/hearth.jar").toAbsolutePath();  // ./build.sh test builds it first

    @TempDir Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @ParameterizedTest
    @CsvSource({
        "claude-code,    user,    .claude.json,                    mcpServers",
        "claude-code,    project, proj/.mcp.json,                  mcpServers",
        "claude-desktop, user,    .config/Claude/claude_desktop_config.json, mcpServers",
        "vscode,         user,    .config/Code/User/mcp.json,      servers",
        "vscode,         project, proj/.vscode/mcp.json,           servers",
        "cursor,         user,    .cursor/mcp.json,                mcpServers",
        "cursor,         project, proj/.cursor/mcp.json,           mcpServers",
        "gemini,         user,    .gemini/settings.json,           mcpServers",
        "gemini,         project, proj/.gemini/settings.json,      mcpServers",
        "lmstudio,       user,    .lmstudio/mcp.json,              mcpServers"})
    void installThenUninstall_jsonClient_keepsEverythingElse_andRestoresTheFile(String client, String scope, String file, String key) throws Exception {
        Path home = tmp.resolve("home"), config = (file.startsWith("proj/") ? tmp : home).resolve(file);
        Files.createDirectories(config.getParent());
        var original = Json.obj("theme", "dark", "numStartups", 7L, key, Json.obj("other", Json.obj("command", "node", "args", Json.arr("x.js"))));
        String originalText = Json.pretty(original, "  ") + "\n";
        Files.writeString(config, originalText);

        assertEquals(0, run(home, Map.of(), "install", "--client", client, "--scope", scope, "--project", tmp.resolve("proj").toString(),
                "--jar", JAR.toString(), "--base-url", "http://127.0.0.1:11434", "--model", "qwen3"), err());
        var written = Json.parseObject(Files.readString(config));
        assertEquals("dark", written.get("theme"));
        assertEquals(7L, written.get("numStartups"));
        var servers = (Map<?, ?>) written.get(key);
        assertEquals(Json.obj("command", "node", "args", Json.arr("x.js")), servers.get("other"));
        var entry = (Map<?, ?>) servers.get("hearth");
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), entry.get("command"));
        var args = (List<?>) entry.get("args");
        assertEquals(List.of("-jar", home.resolve(".hearth/hearth.jar").toString()), args.subList(args.size() - 2, args.size()));
        assertTrue(args.contains("-XX:+UseSerialGC"), args.toString());
        assertEquals(Json.obj("HEARTH_BASE_URL", "http://127.0.0.1:11434", "HEARTH_MODEL", "qwen3"), entry.get("env"));
        assertArrayEquals(Files.readAllBytes(JAR), Files.readAllBytes(home.resolve(".hearth/hearth.jar")));
        assertTrue(out().strip().endsWith("to apply."), out());
        try (Stream<Path> backups = Files.list(home.resolve(".hearth/backups"))) {
            assertEquals(originalText, Files.readString(backups.findFirst().orElseThrow()));
        }

        assertEquals(0, run(home, Map.of(), "uninstall", "--client", client, "--scope", scope, "--project", tmp.resolve("proj").toString()), err());
        assertEquals(originalText, Files.readString(config));
        assertEquals(0, run(home, Map.of(), "uninstall", "--client", client, "--scope", scope, "--project", tmp.resolve("proj").toString()));
        assertTrue(out().contains("is not registered"), out());
    }

    @Test
    void claudeCodeLocalScope_isTheGitRootsProjectEntry_andUninstallRestoresTheFile() throws Exception {
        Path home = tmp.resolve("home"), config = home.resolve(".claude.json"), repo = tmp.resolve("repo"), sub = repo.resolve("src/deep");
        Files.createDirectories(sub);
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(home);
        String otherProject = "/somewhere/else", repoKey = repo.toAbsolutePath().normalize().toString();
        var original = Json.obj("numStartups", 3L, "mcpServers", Json.obj("global", Json.obj("command", "x")), "projects", Json.obj(
                otherProject, Json.obj("allowedTools", Json.arr(), "mcpServers", Json.obj())));
        String originalText = Json.pretty(original, "  ") + "\n";
        Files.writeString(config, originalText);
        String[] install = {"install", "--client", "claude-code", "--scope", "local", "--project", sub.toString(), "--jar", JAR.toString()};
        String[] uninstall = {"uninstall", "--client", "claude-code", "--scope", "local", "--project", sub.toString()};

        assertEquals(0, run(home, Map.of(), install), err());
        var projects = (Map<?, ?>) Json.parseObject(Files.readString(config)).get("projects");
        var entry = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) projects.get(repoKey)).get("mcpServers")).get("hearth");
        assertEquals("stdio", entry.get("type"));
        assertEquals(Json.obj("allowedTools", Json.arr(), "mcpServers", Json.obj()), projects.get(otherProject));
        assertEquals(Json.obj("global", Json.obj("command", "x")), Json.parseObject(Files.readString(config)).get("mcpServers"));
        assertEquals(0, run(home, Map.of(), uninstall), err());
        assertEquals(originalText, Files.readString(config), "a project entry hearth alone created goes away again");

        // a project Claude already knows keeps its settings and its (now empty) mcpServers, as Claude writes them
        var known = Json.obj("numStartups", 3L, "projects", Json.obj(repoKey, Json.obj("allowedTools", Json.arr("Bash"), "mcpServers", Json.obj())));
        String knownText = Json.pretty(known, "  ") + "\n";
        Files.writeString(config, knownText);
        assertEquals(0, run(home, Map.of(), install), err());
        assertEquals(0, run(home, Map.of(), uninstall), err());
        assertEquals(knownText, Files.readString(config));

        assertEquals(2, run(home, Map.of(), "install", "--client", "cursor", "--scope", "local", "--jar", JAR.toString()));
        assertTrue(err().contains("only Claude Code has a local scope"), err());
    }

    @Test
    void codex_installUpdateUninstall_keepsCommentsAndOtherServersByteForByte() throws Exception {
        Path home = tmp.resolve("home"), config = home.resolve(".codex/config.toml");
        Files.createDirectories(config.getParent());
        String original = """
                # my codex settings
                model = "gpt-5"   # the default
                approval_policy = 'never'

                [mcp_servers.other]
                command = "node"
                args = [
                  "x.js",  # a comment inside an array
                  "--flag",
                ]
                env = { A = "1", B = "two" }

                [projects."/home/me/work"]
                trust_level = "trusted"
                """;
        Files.writeString(config, original);
        assertEquals(0, run(home, Map.of(), "install", "--client", "codex", "--jar", JAR.toString(), "--api-key", "sk-1"), err());
        String installed = Files.readString(config);
        assertTrue(installed.startsWith(original + "\n[mcp_servers.hearth]\ncommand = \""), installed);
        assertTrue(installed.contains("[mcp_servers.hearth.env]\nHEARTH_API_KEY = \"sk-1\"\n"), installed);
        assertFalse(out().contains("sk-1"), "the key is never printed");
        var jarTime = Files.getLastModifiedTime(home.resolve(".hearth/hearth.jar"));
        assertEquals(0, run(home, Map.of(), "install", "--client", "codex", "--jar", JAR.toString(), "--model", "m2"), err());
        assertTrue(out().contains(home.resolve(".hearth/hearth.jar") + " is already this jar"), out());
        assertEquals(jarTime, Files.getLastModifiedTime(home.resolve(".hearth/hearth.jar")), "the same jar is not copied again: class caches hold its time");
        String updated = Files.readString(config);
        assertEquals(1, updated.split("\\[mcp_servers.hearth]", -1).length - 1, updated);
        assertTrue(updated.contains("HEARTH_MODEL = \"m2\"") && !updated.contains("sk-1"), updated);
        assertEquals(0, run(home, Map.of(), "uninstall", "--client", "codex"), err());
        assertEquals(original, Files.readString(config));
    }

    @Test
    void codex_envCodexHome_andAFileInstallCreated_isDeletedByUninstall() throws Exception {
        Path home = tmp.resolve("home"), codexHome = tmp.resolve("codex home");
        assertEquals(0, run(home, Map.of("CODEX_HOME", codexHome.toString()), "install", "--client", "codex", "--jar", JAR.toString()), err());
        assertTrue(Files.readString(codexHome.resolve("config.toml")).startsWith("[mcp_servers.hearth]\n"));
        assertEquals(0, run(home, Map.of("CODEX_HOME", codexHome.toString()), "uninstall", "--client", "codex"), err());
        assertFalse(Files.exists(codexHome.resolve("config.toml")));
    }

    @Test
    void brokenFiles_areRefusedWithLineAndColumn_andLeftUntouched() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".codex"));
        Files.writeString(home.resolve(".claude.json"), "{\n  \"a\": 1,\n  \"b\" 2\n}\n");
        Files.writeString(home.resolve(".codex/config.toml"), "model = \"x\"\n[mcp_servers.other\ncommand = \"y\"\n");
        assertEquals(2, run(home, Map.of(), "install", "--jar", JAR.toString()));
        assertTrue(err().contains("cannot parse " + home.resolve(".claude.json") + ": Expected ':' after object key, found '2' at 3:7"), err());
        assertTrue(err().contains("Nothing was changed"), err());
        assertEquals(2, run(home, Map.of(), "install", "--client", "codex", "--jar", JAR.toString()));
        assertTrue(err().contains("Expected ']' after the table name, found end of line at 2:19"), err());
        assertEquals("{\n  \"a\": 1,\n  \"b\" 2\n}\n", Files.readString(home.resolve(".claude.json")));
        assertFalse(Files.exists(home.resolve(".hearth")), "nothing copied, nothing backed up");
    }

    @Test
    void dryRun_printsExactlyWhatInstallWrites_andWritesNothing() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve(".claude.json"), "{\"x\": true}");
        assertEquals(0, run(home, Map.of(), "install", "--jar", JAR.toString(), "--full", "--dry-run"), err());
        String printed = out();
        try (Stream<Path> files = Files.walk(home)) {
            assertEquals(List.of(home, home.resolve(".claude.json")), files.toList());
        }
        assertEquals("{\"x\": true}", Files.readString(home.resolve(".claude.json")));
        assertEquals(0, run(home, Map.of(), "install", "--jar", JAR.toString()), err());
        String written = Files.readString(home.resolve(".claude.json"));
        assertTrue(printed.contains(":\n" + written), printed + "\n---\n" + written);
    }

    @Test
    void pathsWithSpaces_homeFromEnv_commandsAndScripts() throws Exception {
        Path home = tmp.resolve("my home"), hearthHome = tmp.resolve("hearth home");
        assertEquals(0, run(home, Map.of("HEARTH_HOME", hearthHome.toString()), "install", "--client", "cursor", "--jar", JAR.toString(), "--full"), err());
        var entry = (Map<?, ?>) ((Map<?, ?>) Json.parseObject(Files.readString(home.resolve(".cursor/mcp.json"))).get("mcpServers")).get("hearth");
        assertTrue(((List<?>) entry.get("args")).contains(hearthHome.resolve("hearth.jar").toString()));
        assertEquals(Json.obj("HEARTH_HOME", hearthHome.toString()), entry.get("env"));
        assertTrue(out().contains("-jar '" + hearthHome.resolve("hearth.jar") + "'"), "shell-quoted for a person: " + out());
        for (String c : List.of("switch-model", "big-model", "big-model-done", "hearth-help")) assertTrue(Files.isRegularFile(home.resolve(".claude/commands/" + c + ".md")), c);
        for (String s : List.of("free-ram", "big-model", "big-model-done")) assertTrue(Files.isExecutable(home.resolve(".local/bin/hearth-" + s)), s);
        assertTrue(Files.readString(hearthHome.resolve("big-model-apps")).startsWith("# Apps"));
    }

    @Test
    void apiKey_newFileIsOwnerOnly_andNotFromAJar_saysSo() throws Exception {
        Path home = tmp.resolve("home");
        assertEquals(0, run(home, Map.of(), "install", "--client", "gemini", "--jar", JAR.toString(), "--api-key", "k"), err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".gemini/settings.json"))));
        assertEquals(2, run(home, Map.of(), "install", "--client", "gemini"));
        assertTrue(err().contains("not running from a jar"), err());
        assertEquals(1, run(home, Map.of(), "install", "--client", "emacs"));
        assertTrue(err().contains("unknown client: emacs (one of claude-code, claude-desktop"), err());
        assertEquals(2, run(home, Map.of(), "install", "--client", "lmstudio", "--scope", "project", "--jar", JAR.toString()));
        assertTrue(err().contains("LM Studio has no project scope"), err());
    }

    @Test
    void vscodeJsonc_commentsAndTrailingCommas_areRead() throws Exception {
        Path home = tmp.resolve("home"), config = home.resolve(".config/Code/User/mcp.json");
        Files.createDirectories(config.getParent());
        String before = "{\n  // my servers\n  \"servers\": {\"a\": {\"command\": \"x\",},},\n  \"inputs\": [],\n}\n";
        Files.writeString(config, before);
        assertEquals(0, run(home, Map.of(), "install", "--client", "vscode", "--jar", JAR.toString()), err());
        String after = Files.readString(config);
        assertTrue(after.startsWith("{\n  // my servers\n  \"servers\": {\"a\": {\"command\": \"x\",}, \"hearth\": {\"type\":\"stdio\""), after);
        assertTrue(after.endsWith("}},},\n  \"inputs\": [],\n}\n"), "a member of a one-line object joins it on that line: " + after);
        assertEquals(0, run(home, Map.of(), "uninstall", "--client", "vscode"), err());
        assertEquals(before, Files.readString(config), "uninstall gives back the file as it was, byte for byte");
    }

    @Test
    void jsoncFile_keepsEveryCommentAndLine_throughInstallReinstallAndUninstall() throws Exception {
        Path home = tmp.resolve("home"), config = home.resolve(".gemini/settings.json");
        Files.createDirectories(config.getParent());
        String before = """
                {
                    // Gemini CLI settings
                    "theme": "Default", /* the dark one hurts */
                    "mcpServers": {
                        // the search server
                        "search": {
                            "command": "npx",
                            "args": ["-y", "search-mcp"], // pinned
                        },
                    },
                    "checkpointing": {"enabled": true}
                }
                """;
        Files.writeString(config, before);
        assertEquals(0, run(home, Map.of(), "install", "--client", "gemini", "--jar", JAR.toString(), "--model", "m1"), err());
        String installed = Files.readString(config);
        int at = installed.indexOf("        \"hearth\": {\n            \"command\": ");
        assertTrue(at > 0, "hearth's entry after search's, in the file's 4-space indent:\n" + installed);
        assertEquals(before.substring(0, before.indexOf("        },\n    },")) + "        },\n", installed.substring(0, at),
                "everything before hearth's entry is as it was, comments and trailing comma included");
        assertTrue(installed.endsWith("\n        },\n    },\n    \"checkpointing\": {\"enabled\": true}\n}\n"), "a trailing comma too, as every member here has:\n" + installed);
        assertTrue(installed.contains("\"HEARTH_MODEL\": \"m1\""), installed);

        assertEquals(0, run(home, Map.of(), "install", "--client", "gemini", "--jar", JAR.toString(), "--model", "m2"), err());
        String reinstalled = Files.readString(config);
        assertEquals(installed.replace("\"HEARTH_MODEL\": \"m1\"", "\"HEARTH_MODEL\": \"m2\""), reinstalled, "the entry replaced where it stands");

        assertEquals(0, run(home, Map.of(), "uninstall", "--client", "gemini"), err());
        assertEquals(before, Files.readString(config), "uninstall gives back the file as it was, byte for byte");
    }

    @Test
    void claudeConfigDir_isWhereClaudeCodeReads() throws Exception {
        Path home = tmp.resolve("home"), dir = tmp.resolve("cfg");
        assertEquals(0, run(home, Map.of("CLAUDE_CONFIG_DIR", dir.toString()), "install", "--jar", JAR.toString(), "--with-commands"), err());
        assertTrue(Files.isRegularFile(dir.resolve(".claude.json")));
        assertTrue(Files.isRegularFile(dir.resolve("commands/hearth-help.md")));
        assertFalse(Files.exists(home.resolve(".claude.json")));
    }

    private int run(Path home, Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new HashMap<>(env), home);
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }
    private String err() { return err.toString(StandardCharsets.UTF_8); }
}
