package hearth.install;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// The pieces under install, one case per line: client paths per OS and env, TOML editing and its
// errors, Windows paths in TOML and JSON, JSONC blanking that keeps line:column.
class ConfigFormatsTest {
    private static final Path HOME = Path.of("/home/me"), PROJECT = Path.of("/work/p");

    @Test
    void configFile_perOsAndEnvironment() {
        assertPath("/home/me/Library/Application Support/Claude/claude_desktop_config.json", Client.CLAUDE_DESKTOP, "user", Map.of(), "Mac OS X");
        assertPath("C:\\Users\\me\\AppData\\Roaming/Claude/claude_desktop_config.json", Client.CLAUDE_DESKTOP, "user", Map.of("APPDATA", "C:\\Users\\me\\AppData\\Roaming"), "Windows 11");
        assertPath("/home/me/.config/Claude/claude_desktop_config.json", Client.CLAUDE_DESKTOP, "user", Map.of(), "Linux");
        assertPath("/x/Claude/claude_desktop_config.json", Client.CLAUDE_DESKTOP, "user", Map.of("XDG_CONFIG_HOME", "/x"), "Linux");
        assertPath("/home/me/Library/Application Support/Code/User/mcp.json", Client.VSCODE, "user", Map.of(), "Mac OS X");
        assertPath("/work/p/.vscode/mcp.json", Client.VSCODE, "project", Map.of(), "Linux");
        assertPath("/c/.claude.json", Client.CLAUDE_CODE, "user", Map.of("CLAUDE_CONFIG_DIR", "/c"), "Linux");
        assertPath("/g/.gemini/settings.json", Client.GEMINI, "user", Map.of("GEMINI_CLI_HOME", "/g"), "Linux");
        assertPath("/work/p/.codex/config.toml", Client.CODEX, "project", Map.of(), "Linux");
        assertPath("/home/me/.lmstudio/mcp.json", Client.LMSTUDIO, "user", Map.of(), "Windows 11");
    }

    @Test
    void toml_windowsPathsAndQuotes_areEscaped_andReadBack() {
        String block = TomlConfig.block("hearth", "C:\\Program Files\\Java\\bin\\java.exe", List.of("-jar", "C:\\Users\\A \"B\"\\.hearth\\hearth.jar"), Map.of(), 30, 600);
        assertTrue(block.contains("command = \"C:\\\\Program Files\\\\Java\\\\bin\\\\java.exe\"\n"), block);
        assertTrue(block.contains("\"C:\\\\Users\\\\A \\\"B\\\"\\\\.hearth\\\\hearth.jar\"]"), block);
        assertTrue(TomlConfig.parse(block, "hearth").has("hearth"));
        String json = Json.write(Installer.entry(Client.CURSOR, new Launch("C:\\j\\java.exe", List.of(), Path.of("C:\\h\\hearth.jar")), Map.of()));
        assertTrue(json.contains("\"command\":\"C:\\\\j\\\\java.exe\""), json);
    }

    @Test
    void toml_replaceInPlace_keepsNeighbours() {
        String before = "a = 1\n\n[mcp_servers.hearth]\ncommand = \"old\"\n\n[mcp_servers.hearth.env]\nX = \"1\"\n\n# about b\n[b]\nc = 2\n";
        String after = TomlConfig.parse(before, "hearth").put("hearth", "[mcp_servers.hearth]\ncommand = \"new\"\n");
        assertEquals("a = 1\n\n[mcp_servers.hearth]\ncommand = \"new\"\n\n# about b\n[b]\nc = 2\n", after);
        assertEquals("a = 1\n\n# about b\n[b]\nc = 2\n", TomlConfig.parse(after, "hearth").remove("hearth"));
    }

    @Test
    void toml_errors_nameLineAndColumn() {
        assertTomlError("a = \n", "Expected a value (a \"string\", number, true/false, date, [array] or {table}), found end of line at 1:5");
        assertTomlError("a = \"x\n", "Expected closing \", found end of line at 1:7");
        assertTomlError("a = [1, 2\nb = 3\n", "Expected ',' or ']' in the array, found 'b' at 2:1");
        assertTomlError("a = 1 b\n", "Expected end of line, found 'b' at 1:7");
        assertTomlError("p = \"C:\\Users\"\n", "Expected a valid escape");
        assertTomlError("[mcp_servers]\nhearth = { command = \"x\" }\n", "install does not edit");
        assertTomlError("mcp_servers.hearth.command = \"x\"\n", "install does not edit");
    }

    @Test
    void toml_validFiles_parse() {
        for (String ok : List.of("", "# only a comment\n", "a = 'C:\\x'\nb = \"\"\"\nmulti\n\"\"\"\nc = 1979-05-27T07:32:00Z\nd = [[1, 2], ['x']]\n[[arr]]\ne = -1.5e3\n",
                "t = { x = 1, y = \"two\" }\nu = true\nv = 0x1F\nw = 1979-05-27 07:32:00\r\n")) {
            assertDoesNotThrow(() -> TomlConfig.parse(ok, "hearth"), ok);
        }
    }

    @Test
    void jsonc_commentsAndTrailingCommasBlanked_positionsKept() {
        String in = "{ // c\n \"a\": [1, 2,], /* b\n */ \"s\": \"// not a comment\",\n}";
        String out = JsonConfig.blankComments(in);
        assertEquals(in.length(), out.length());
        assertEquals(Json.obj("a", Json.arr(1L, 2L), "s", "// not a comment"), new LinkedHashMap<>(Json.parseObject(out)));
    }

    @Test
    void json_entryEditedInPlace_inEveryShapeOfFile() {
        var entry = Json.obj("command", "java");
        var claude = List.of("projects", "/p", "mcpServers");
        // {before, path, after install}; uninstall must give back `before`, byte for byte
        String[][] cases = {
            {"", "mcpServers", "{\n  \"mcpServers\": {\n    \"hearth\": {\n      \"command\": \"java\"\n    }\n  }\n}\n"},
            {"{}", "mcpServers", "{\n  \"mcpServers\": {\n    \"hearth\": {\n      \"command\": \"java\"\n    }\n  }\n}"},
            {"{\"mcpServers\": {}}", "mcpServers", "{\"mcpServers\": {\n  \"hearth\": {\n    \"command\": \"java\"\n  }\n}}"},
            {"{\"mcpServers\": {\"a\": {}}}", "mcpServers", "{\"mcpServers\": {\"a\": {}, \"hearth\": {\"command\":\"java\"}}}"},
            {"{\r\n\t\"x\": 1\r\n}\r\n", "mcpServers", "{\r\n\t\"x\": 1,\r\n\t\"mcpServers\": {\r\n\t\t\"hearth\": {\r\n\t\t\t\"command\": \"java\"\r\n\t\t}\r\n\t}\r\n}\r\n"},
            {"{\n  \"projects\": {\n    \"/q\": {}\n  }\n}\n", "claude",
             "{\n  \"projects\": {\n    \"/q\": {},\n    \"/p\": {\n      \"mcpServers\": {\n        \"hearth\": {\n          \"command\": \"java\"\n        }\n      }\n    }\n  }\n}\n"},
            {"{\n  \"mcpServers\": {\n    \"a\": 1, // one\n    \"hearth\": 2 // old\n  }\n}", "mcpServers",
             "{\n  \"mcpServers\": {\n    \"a\": 1, // one\n    \"hearth\": {\n      \"command\": \"java\"\n    } // old\n  }\n}"},
        };
        for (String[] c : cases) {
            List<String> path = c[1].equals("claude") ? claude : List.of(c[1]);
            var config = JsonConfig.parse(c[0], path, true);
            config.put("hearth", entry);
            assertEquals(c[2], config.render(), c[0]);
            var again = JsonConfig.parse(c[2], path, true);
            assertTrue(again.remove("hearth"));
            String removed = again.isEmpty() ? "" : again.render();
            // the file back as it was; one that held nothing else goes (uninstall deletes it)
            boolean nothingElse = c[0].isEmpty() || c[0].equals("{}") || c[0].equals("{\"mcpServers\": {}}");
            if (!c[0].contains("\"hearth\"")) assertEquals(nothingElse ? "" : c[0], removed, "uninstall of " + c[2]);
        }
        // a middle member goes with its comma and its line; the comment on the line after stays
        var middle = JsonConfig.parse("{\"mcpServers\": {\n  \"hearth\": 1, // mine\n  // theirs\n  \"b\": 2\n}}", List.of("mcpServers"), true);
        assertTrue(middle.remove("hearth"));
        assertEquals("{\"mcpServers\": {\n  // theirs\n  \"b\": 2\n}}", middle.render());
    }

    @Test
    void json_randomFiles_installThenUninstall_givesTheFileBack_andKeepsEveryOtherValue() {
        var random = new java.util.Random(11);
        var entry = Json.obj("command", "java", "args", Json.arr("-jar", "h.jar"), "env", Json.obj());
        for (int round = 0; round < 300; round++) {
            boolean jsonc = random.nextBoolean();
            String indent = List.of("  ", "    ", "\t", "").get(random.nextInt(4));
            String newline = random.nextInt(4) == 0 ? "\r\n" : "\n";
            var members = new java.util.ArrayList<String>();
            for (int i = random.nextInt(4); i > 0; i--) members.add(Json.write("k" + i) + ": " + randomValue(random, 2));
            if (random.nextBoolean()) {
                var servers = new java.util.ArrayList<String>();
                for (int i = 1 + random.nextInt(2); i > 0; i--) servers.add(Json.write("s" + i) + ": " + randomValue(random, 1));   // an empty one would go with hearth
                members.add(random.nextInt(members.size() + 1), "\"mcpServers\": " + object(servers, indent + indent, indent, newline, jsonc, random));
            }
            String before = object(members, indent, "", newline, jsonc, random) + (random.nextBoolean() ? newline : "");
            var config = JsonConfig.parse(before, List.of("mcpServers"), jsonc);
            Map<String, Object> others = config.isEmpty() ? Map.of() : Json.parseObject(JsonConfig.blankComments(before));
            config.put("hearth", entry);
            String installed = config.render();
            var parsed = Json.parseObject(jsonc ? JsonConfig.blankComments(installed) : installed);
            assertEquals(entry, ((Map<?, ?>) parsed.get("mcpServers")).get("hearth"), installed);
            for (var e : others.entrySet()) {
                if (!e.getKey().equals("mcpServers")) assertEquals(e.getValue(), parsed.get(e.getKey()), installed);
            }
            var again = JsonConfig.parse(installed, List.of("mcpServers"), jsonc);
            assertTrue(again.remove("hearth"));
            String removed = again.isEmpty() ? "" : again.render();
            assertEquals(others.isEmpty() ? "" : before, removed, "round " + round + ", installed:\n" + installed);
        }
    }

    private static String randomValue(java.util.Random random, int depth) {
        switch (random.nextInt(depth > 0 ? 6 : 4)) {
            case 0: return "\"a, // not a comment {\\\"x\\\"}\"";
            case 1: return String.valueOf(random.nextInt(100) - 50);
            case 2: return "true";
            case 3: return "null";
            case 4: return "[1, \"two\", {\"three\": 3}]";
            default: return "{\"n\": " + randomValue(random, depth - 1) + "}";
        }
    }

    // an object of these members, one a line at `inner` indent (all on one line when indent is ""), with JSONC's comments and trailing commas now and then
    private static String object(List<String> members, String inner, String outer, String newline, boolean jsonc, java.util.Random random) {
        if (members.isEmpty()) return "{}";
        if (inner.isEmpty()) return "{" + String.join(", ", members) + "}";
        boolean trailing = jsonc && random.nextBoolean();
        var out = new StringBuilder("{").append(newline);
        for (int i = 0; i < members.size(); i++) {
            if (jsonc && random.nextInt(3) == 0) out.append(inner).append("// about ").append(i).append(newline);
            out.append(inner).append(members.get(i)).append(i < members.size() - 1 || trailing ? "," : "");
            if (jsonc && random.nextInt(3) == 0) out.append(" /* note, } */");
            out.append(newline);
        }
        return out.append(outer).append("}").toString();
    }

    private static void assertPath(String expected, Client client, String scope, Map<String, String> env, String os) {
        assertEquals(Path.of(expected), client.configFile(scope, HOME, PROJECT, env, os));
    }

    private static void assertTomlError(String toml, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> TomlConfig.parse(toml, "hearth"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
