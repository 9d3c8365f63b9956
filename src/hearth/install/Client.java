package hearth.install;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

// The seven MCP clients install knows: where each keeps its MCP servers per scope and OS, under
// which key, and in which format (CLIENTS.md §0, §3, §6; LM Studio follows Cursor's notation in
// ~/.lmstudio/mcp.json). Only paths here; reading and writing the files is JsonConfig/TomlConfig.
public enum Client {
    CLAUDE_CODE("claude-code", "Claude Code", "mcpServers", false, true),
    CLAUDE_DESKTOP("claude-desktop", "Claude Desktop", "mcpServers", false, false),
    CODEX("codex", "Codex", "mcp_servers", false, true),
    VSCODE("vscode", "VS Code", "servers", true, true),
    CURSOR("cursor", "Cursor", "mcpServers", false, true),
    GEMINI("gemini", "Gemini CLI", "mcpServers", true, true),
    LMSTUDIO("lmstudio", "LM Studio", "mcpServers", false, false);

    public static final List<String> NAMES = List.of("claude-code", "claude-desktop", "codex", "vscode", "cursor", "gemini", "lmstudio");
    public static final List<String> SCOPES = List.of("user", "project", "local");

    final String id, title, key;
    final boolean comments;      // the client reads JSON with comments (VS Code, Gemini), so we must too
    final boolean hasProject;    // the client also reads a per-project file

    Client(String id, String title, String key, boolean comments, boolean hasProject) {
        this.id = id;
        this.title = title;
        this.key = key;
        this.comments = comments;
        this.hasProject = hasProject;
    }

    public static Client of(String id) {
        for (Client c : values()) if (c.id.equals(id)) return c;
        throw new IllegalArgumentException("unknown client: " + id + " (one of " + String.join(", ", NAMES) + ")");
    }

    boolean toml() {
        return this == CODEX;
    }

    /**
     * The file this client reads for `scope`. `os` is os.name; `env` supplies CLAUDE_CONFIG_DIR,
     * CODEX_HOME, GEMINI_CLI_HOME, APPDATA and XDG_CONFIG_HOME, each as the client itself reads it.
     */
    Path configFile(String scope, Path home, Path project, Map<String, String> env, String os) {
        boolean user = !scope.equals("project");
        if (!user && !hasProject) throw new IllegalArgumentException(title + " has no project scope; use --scope user");
        if (scope.equals("local") && this != CLAUDE_CODE) throw new IllegalArgumentException("only Claude Code has a local scope; use --scope user or project");
        switch (this) {
            case CLAUDE_CODE: return user ? claudeDir(home, env, ".claude.json", true) : project.resolve(".mcp.json");
            case CLAUDE_DESKTOP: return appConfig(home, env, os, "Claude").resolve("claude_desktop_config.json");
            case CODEX: return (user ? dir(env, "CODEX_HOME", home.resolve(".codex")) : project.resolve(".codex")).resolve("config.toml");
            case VSCODE: return user ? appConfig(home, env, os, "Code").resolve("User").resolve("mcp.json") : project.resolve(".vscode").resolve("mcp.json");
            case CURSOR: return (user ? home : project).resolve(".cursor").resolve("mcp.json");
            case GEMINI: return (user ? dir(env, "GEMINI_CLI_HOME", home) : project).resolve(".gemini").resolve("settings.json");
            default: return home.resolve(".lmstudio").resolve("mcp.json");
        }
    }

    /** scopes this client has, for doctor */
    List<String> scopes() {
        return this == CLAUDE_CODE ? SCOPES : hasProject ? List.of("user", "project") : List.of("user");
    }

    /**
     * The keys from the top of the file down to the object of servers. Claude Code's local scope (its
     * default for `claude mcp add`) lives in ~/.claude.json under projects["<git root, else the
     * directory>"] (CLIENTS.md §2.1).
     */
    List<String> serversPath(String scope, Path project) {
        if (this != CLAUDE_CODE || !scope.equals("local")) return List.of(key);
        Path dir = project.toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p.resolve(".git"))) return List.of("projects", p.toString(), key);
        }
        return List.of("projects", dir.toString(), key);
    }

    /** Where Claude Code looks for slash-command files: user ~/.claude/commands, project .claude/commands. */
    static Path commandsDir(String scope, Path home, Path project, Map<String, String> env) {
        return scope.equals("project") ? project.resolve(".claude").resolve("commands") : claudeDir(home, env, "commands", false);
    }

    // CLAUDE_CONFIG_DIR replaces both ~/.claude and the ~/.claude.json beside it (CLIENTS.md §2.1)
    private static Path claudeDir(Path home, Map<String, String> env, String name, boolean dotFileInHome) {
        String dir = env.get("CLAUDE_CONFIG_DIR");
        if (dir != null && !dir.isBlank()) return Path.of(dir).resolve(name);
        return dotFileInHome ? home.resolve(name) : home.resolve(".claude").resolve(name);
    }

    private static Path appConfig(Path home, Map<String, String> env, String os, String app) {
        String name = os.toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("mac") || name.contains("darwin")) return home.resolve("Library").resolve("Application Support").resolve(app);
        if (name.startsWith("windows")) return dir(env, "APPDATA", home.resolve("AppData").resolve("Roaming")).resolve(app);
        return dir(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve(app);
    }

    private static Path dir(Map<String, String> env, String variable, Path fallback) {
        String v = env.get(variable);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }
}
