package hearth.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// Codex's config.toml, edited as text so every other line, comment and blank stays byte for byte:
// a small TOML 1.0 scanner checks the whole file (errors name line:column) and finds the line
// spans of [mcp_servers.NAME] and [mcp_servers.NAME.*]; install replaces them in place or appends,
// uninstall cuts them out. A server defined any other way (dotted keys, inline table) is refused.
final class TomlConfig {
    /** A table header and the span of its lines: from the header to the end of its last key line. */
    record Table(List<String> path, int start, int end) {}

    private final String text;
    private final List<Table> tables;

    private TomlConfig(String text, List<Table> tables) {
        this.text = text;
        this.tables = tables;
    }

    /** `text` null means no file yet. Throws IllegalArgumentException "… at L:C" on what is not TOML. */
    static TomlConfig parse(String text, String name) {
        String t = text == null ? "" : text;
        var scanner = new TomlScanner(t);
        List<Table> tables = scanner.scan();
        for (List<String> key : scanner.looseServerKeys) {
            if (key.get(1).equals(name)) {
                throw new IllegalArgumentException("mcp_servers." + name + " is defined with dotted keys or an inline table, which install does not edit;"
                        + " remove it (or run: codex mcp remove " + name + ") and install again");
            }
        }
        return new TomlConfig(t, tables);
    }

    boolean has(String name) {
        return tables.stream().anyMatch(t -> isServer(t, name));
    }

    /** The file's text of the server's own table, for doctor. Empty when absent. */
    String section(String name) {
        var out = new StringBuilder();
        for (Table t : tables) if (isServer(t, name)) out.append(text, t.start, t.end);
        return out.toString();
    }

    /** Every server name declared with a [mcp_servers.NAME] header. */
    List<String> servers() {
        var names = new ArrayList<String>();
        for (Table t : tables) if (t.path.size() == 2 && t.path.get(0).equals("mcp_servers")) names.add(t.path.get(1));
        return names;
    }

    /** The file with `block` in place of the server's tables, or appended after one blank line. */
    String put(String name, String block) {
        int at = tables.stream().filter(t -> isServer(t, name)).mapToInt(Table::start).findFirst().orElse(-1);
        if (at < 0) return append(text, block);
        var out = cut(name);
        if (at >= out.length()) return append(out.toString(), block);
        out.insert(at, block);
        int after = at + block.length();
        if (after < out.length() && out.charAt(after) != '\n') out.insert(after, '\n'); // a blank line before what follows
        return out.toString();
    }

    private static String append(String text, String block) {
        if (text.isEmpty()) return block;
        return text + (text.endsWith("\n") ? "" : "\n") + (text.endsWith("\n\n") ? "" : "\n") + block;
    }

    /** The file without the server's tables. */
    String remove(String name) {
        return cut(name).toString();
    }

    // Deletes the server's spans; where a cut leaves two blank lines, or blank lines at the end, one goes.
    private StringBuilder cut(String name) {
        var out = new StringBuilder(text);
        for (int i = tables.size() - 1; i >= 0; i--) {
            Table t = tables.get(i);
            if (!isServer(t, name)) continue;
            out.delete(t.start, t.end);
            boolean blankBefore = t.start >= 2 && out.charAt(t.start - 1) == '\n' && out.charAt(t.start - 2) == '\n';
            if (t.start == out.length()) {
                while (out.length() >= 2 && out.charAt(out.length() - 1) == '\n' && out.charAt(out.length() - 2) == '\n') out.setLength(out.length() - 1);
                if (out.toString().isBlank()) out.setLength(0);
            } else if (blankBefore && out.charAt(t.start) == '\n') {
                out.deleteCharAt(t.start);
            }
        }
        return out;
    }

    private static boolean isServer(Table t, String name) {
        return t.path.size() >= 2 && t.path.get(0).equals("mcp_servers") && t.path.get(1).equals(name);
    }

    /** [mcp_servers.NAME] with command, args, timeouts and an env subtable, strings escaped as TOML basic strings. */
    static String block(String name, String command, List<String> args, Map<String, String> env, int startupSeconds, int toolSeconds) {
        var out = new StringBuilder("[mcp_servers.").append(key(name)).append("]\n");
        out.append("command = ").append(string(command)).append('\n');
        out.append("args = [");
        for (int i = 0; i < args.size(); i++) out.append(i > 0 ? ", " : "").append(string(args.get(i)));
        out.append("]\n");
        out.append("startup_timeout_sec = ").append(startupSeconds).append("   # a JVM start; Codex's default is 30\n");
        out.append("tool_timeout_sec = ").append(toolSeconds).append("      # local models can be slow\n");
        if (!env.isEmpty()) {
            out.append("\n[mcp_servers.").append(key(name)).append(".env]\n");
            for (var e : env.entrySet()) out.append(key(e.getKey())).append(" = ").append(string(e.getValue())).append('\n');
        }
        return out.toString();
    }

    static String key(String k) {
        return k.matches("[A-Za-z0-9_-]+") ? k : string(k);
    }

    // TOML basic string: backslash (Windows paths), quote and control characters escaped
    static String string(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20 || c == 0x7f) out.append(String.format("\\u%04X", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }
}
