package hearth.install;

import hearth.json.Json;
import hearth.json.JsonException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// One JSON client config in memory: parse (JSONC comments and trailing commas blanked out for the
// clients that allow them, so line:column still point into the user's file), put or remove one
// server entry in the object of servers at the client's key path (["mcpServers"], or Claude Code's
// ["projects", dir, "mcpServers"]), and render it back in the file's own indent. Keys, order and
// every other setting are kept; comments are not (the backup has them, and install says so).
final class JsonConfig {
    private final Map<String, Object> root;
    private final List<String> path;
    private final String indent;
    private final boolean finalNewline;
    final boolean hadComments;

    private JsonConfig(Map<String, Object> root, List<String> path, String indent, boolean finalNewline, boolean hadComments) {
        this.root = root;
        this.path = path;
        this.indent = indent;
        this.finalNewline = finalNewline;
        this.hadComments = hadComments;
    }

    /** `text` null means the file does not exist yet. Throws JsonException (with line:column) on a file we cannot read. */
    static JsonConfig parse(String text, List<String> path, boolean jsonc) {
        if (text == null || text.isBlank()) return new JsonConfig(new LinkedHashMap<>(), path, "  ", true, false);
        String plain = jsonc ? blankComments(text) : text;
        Object value = Json.parse(plain);
        if (!(value instanceof Map<?, ?>)) throw new JsonException("Expected a JSON object at the top level, found another JSON value");
        @SuppressWarnings("unchecked") var root = (Map<String, Object>) value;
        Object at = root;
        for (String key : path) {
            at = ((Map<?, ?>) at).get(key);
            if (at == null) break;
            if (!(at instanceof Map<?, ?>)) {
                throw new JsonException("Expected \"" + String.join("\" → \"", path) + "\" to be an object of servers, found " + Json.write(at) + " at \"" + key + "\"");
            }
        }
        return new JsonConfig(root, path, indentOf(text), text.endsWith("\n"), !plain.equals(text));
    }

    /** The object of servers, or an empty map when the file has none yet. */
    Map<String, Object> servers() {
        Map<String, Object> at = root;
        for (String key : path) {
            at = child(at, key);
            if (at == null) return Map.of();
        }
        return at;
    }

    /** Adds or replaces (in place, keeping its position) the entry `name`. */
    @SuppressWarnings("unchecked")
    void put(String name, Map<String, Object> entry) {
        Map<String, Object> at = root;
        for (String key : path) at = (Map<String, Object>) at.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
        at.put(name, entry);
    }

    /**
     * Removes `name`, returning whether it was there. An object of servers left empty goes too when
     * nothing sits beside it (top-level, or a project entry hearth alone created), and so does every
     * object above it that is left empty: the file reads as before hearth was added.
     */
    boolean remove(String name) {
        Map<String, Object> servers = servers();
        if (!servers.containsKey(name)) return false;
        servers.remove(name);
        if (!servers.isEmpty()) return true;
        var chain = new java.util.ArrayList<Map<String, Object>>(List.of(root));   // root, then each object down to the servers' parent
        for (String key : path.subList(0, path.size() - 1)) chain.add(child(chain.get(chain.size() - 1), key));
        if (path.size() > 1 && chain.get(chain.size() - 1).size() > 1) return true;   // Claude keeps "mcpServers": {} beside a project's settings
        for (int i = path.size() - 1; i >= 0 && chain.get(i).get(path.get(i)) instanceof Map<?, ?> m && m.isEmpty(); i--) chain.get(i).remove(path.get(i));
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> map, String key) {
        return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    boolean isEmpty() {
        return root.isEmpty();
    }

    String render() {
        return Json.pretty(root, indent) + (finalNewline ? "\n" : "");
    }

    // The indent of the first indented line: keeps a 4-space or tab-indented file in its style.
    private static String indentOf(String text) {
        for (String line : text.split("\n", 50)) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            if (i > 0 && i < line.length()) return line.substring(0, i);
        }
        return "  ";
    }

    /**
     * JSONC → JSON of the same length: // and block comments and trailing commas become spaces
     * (newlines stay), so a parse error's line:column is still right for the user's file.
     */
    static String blankComments(String text) {
        var out = new StringBuilder(text);
        int lastComma = -1;  // a comma that a later '}' or ']' would make trailing
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '"') {
                for (i++; i < out.length() && out.charAt(i) != '"'; i++) if (out.charAt(i) == '\\') i++;
                lastComma = -1;
            } else if (c == '/' && i + 1 < out.length() && out.charAt(i + 1) == '/') {
                while (i < out.length() && out.charAt(i) != '\n') out.setCharAt(i++, ' ');
            } else if (c == '/' && i + 1 < out.length() && out.charAt(i + 1) == '*') {
                int end = out.indexOf("*/", i + 2);
                end = end < 0 ? out.length() : end + 2;
                for (; i < end; i++) if (out.charAt(i) != '\n') out.setCharAt(i, ' ');
                i--;
            } else if (c == ',') {
                lastComma = i;
            } else if ((c == '}' || c == ']') && lastComma >= 0) {
                out.setCharAt(lastComma, ' ');
                lastComma = -1;
            } else if (!Character.isWhitespace(c)) {
                lastComma = -1;
            }
        }
        return out.toString();
    }
}
