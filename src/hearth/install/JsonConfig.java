package hearth.install;

import hearth.json.Json;
import hearth.json.JsonException;
import java.util.LinkedHashMap;
import java.util.Map;

// One JSON client config in memory: parse (JSONC comments and trailing commas blanked out for the
// clients that allow them, so line:column still point into the user's file), put or remove one
// server entry under the client's key, and render it back in the file's own indent. Keys, order
// and every other setting are kept; comments are not (the backup has them, and install says so).
final class JsonConfig {
    private final Map<String, Object> root;
    private final String key;
    private final String indent;
    private final boolean finalNewline;
    final boolean hadComments;

    private JsonConfig(Map<String, Object> root, String key, String indent, boolean finalNewline, boolean hadComments) {
        this.root = root;
        this.key = key;
        this.indent = indent;
        this.finalNewline = finalNewline;
        this.hadComments = hadComments;
    }

    /** `text` null means the file does not exist yet. Throws JsonException (with line:column) on a file we cannot read. */
    static JsonConfig parse(String text, String key, boolean jsonc) {
        if (text == null || text.isBlank()) return new JsonConfig(new LinkedHashMap<>(), key, "  ", true, false);
        String plain = jsonc ? blankComments(text) : text;
        Object value = Json.parse(plain);
        if (!(value instanceof Map<?, ?>)) throw new JsonException("Expected a JSON object at the top level, found another JSON value");
        @SuppressWarnings("unchecked") var root = (Map<String, Object>) value;
        if (root.containsKey(key) && !(root.get(key) instanceof Map<?, ?>)) {
            throw new JsonException("Expected \"" + key + "\" to be an object of servers, found " + Json.write(root.get(key)));
        }
        return new JsonConfig(root, key, indentOf(text), text.endsWith("\n"), !plain.equals(text));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> servers() {
        return root.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Adds or replaces (in place, keeping its position) the entry `name`. */
    @SuppressWarnings("unchecked")
    void put(String name, Map<String, Object> entry) {
        ((Map<String, Object>) root.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>())).put(name, entry);
    }

    /** Removes `name`; an object of servers left empty goes too, as before hearth was added. Returns whether it was there. */
    boolean remove(String name) {
        Map<String, Object> servers = servers();
        if (!servers.containsKey(name)) return false;
        servers.remove(name);
        if (servers.isEmpty()) root.remove(key);
        return true;
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
