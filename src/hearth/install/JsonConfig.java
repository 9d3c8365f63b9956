package hearth.install;

import hearth.json.Json;
import hearth.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// One JSON client config: parse (JSONC comments and trailing commas blanked out for the clients
// that allow them, so line:column still point into the user's file), then put or remove one server
// entry in the object of servers at the client's key path (["mcpServers"], or Claude Code's
// ["projects", dir, "mcpServers"]) by editing the text where that entry is: every other byte of the
// file (comments, order, spacing, the user's own line breaks) stays as it was. New text takes the
// file's own indent.
final class JsonConfig {
    private String text;
    private Map<String, Object> root;   // text parsed, while text is still rootOf: parsed once per edit, not per question
    private String rootOf;
    private final List<String> path;
    private final String indent;
    private final boolean jsonc;
    private final String newline;   // the file's own: a Windows file keeps its CRLF

    private JsonConfig(String text, List<String> path, String indent, boolean jsonc) {
        this.text = text;
        this.newline = text.contains("\r\n") ? "\r\n" : "\n";
        this.path = path;
        this.indent = indent;
        this.jsonc = jsonc;
    }

    /** `text` null means the file does not exist yet. Throws JsonException (with line:column) on a file we cannot read. */
    static JsonConfig parse(String text, List<String> path, boolean jsonc) {
        if (text == null || text.isBlank()) return new JsonConfig("{}\n", path, "  ", jsonc);
        var config = new JsonConfig(text, path, indentOf(text), jsonc);
        Object at = config.root();
        for (String key : path) {
            at = ((Map<?, ?>) at).get(key);
            if (at == null) break;
            if (!(at instanceof Map<?, ?>)) {
                throw new JsonException("Expected \"" + String.join("\" → \"", path) + "\" to be an object of servers, found " + Json.write(at) + " at \"" + key + "\"");
            }
        }
        return config;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> root() {
        if (rootOf != text) {
            Object value = Json.parse(plain(text, true));
            if (!(value instanceof Map<?, ?>)) throw new JsonException("Expected a JSON object at the top level, found another JSON value");
            root = (Map<String, Object>) value;
            rootOf = text;
        }
        return root;
    }

    /** The object of servers, or an empty map when the file has none yet. */
    Map<String, Object> servers() {
        Map<String, Object> at = root();
        for (String key : path) {
            at = child(at, key);
            if (at == null) return Map.of();
        }
        return at;
    }

    /** Adds or replaces (in place, keeping its position) the entry `name`, and any object on the way to it that is missing. */
    void put(String name, Map<String, Object> entry) {
        String plain = plain(text, true);
        Obj at = object(plain, skipSpace(plain, 0));
        for (int depth = 0; ; depth++) {
            String key = depth < path.size() ? path.get(depth) : name;
            Member m = at.find(key);
            if (m == null) {
                Object value = entry;   // wrapped in the objects below this one: {"mcpServers": {"hearth": entry}}
                for (int d = path.size(); d > depth; d--) value = new LinkedHashMap<>(Map.of(d < path.size() ? path.get(d) : name, value));
                insert(at, key, value);
                return;
            }
            if (depth == path.size()) {
                text = text.substring(0, m.valueStart) + pretty(entry, lineIndent(m.start)) + text.substring(m.end);
                return;
            }
            at = object(plain, m.valueStart);
        }
    }

    /**
     * Removes `name`, returning whether it was there. An object of servers left empty goes too when
     * nothing sits beside it (top-level, or a project entry hearth alone created), and so does every
     * object above it that is left empty: the file reads as before hearth was added.
     */
    boolean remove(String name) {
        Map<String, Object> servers = servers();
        if (!servers.containsKey(name)) return false;
        // the shallowest object that the removal empties decides what goes: the member holding it
        int depth = path.size();
        if (servers.size() == 1) {
            var chain = new ArrayList<Map<String, Object>>(List.of(root()));   // root, then each object down to the servers' parent
            for (String key : path.subList(0, path.size() - 1)) chain.add(child(chain.get(chain.size() - 1), key));
            boolean keepEmpty = path.size() > 1 && chain.get(chain.size() - 1).size() > 1;   // Claude keeps "mcpServers": {} beside a project's settings
            if (!keepEmpty) {
                depth = path.size() - 1;
                while (depth > 0 && chain.get(depth).size() == 1) depth--;
            }
        }
        String plain = plain(text, true);
        Obj at = object(plain, skipSpace(plain, 0));
        for (int d = 0; d < depth; d++) at = object(plain, at.find(path.get(d)).valueStart);
        cut(plain, at, at.find(depth < path.size() ? path.get(depth) : name));
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> map, String key) {
        return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    boolean isEmpty() {
        return root().isEmpty();
    }

    String render() {
        return text;
    }

    // ---- editing the text: objects and members found by offset in the blanked copy, which has the text's length

    private record Member(String key, int start, int valueStart, int end) {}   // start: the key's quote; end: just after the value

    private record Obj(int open, int close, List<Member> members) {
        Member find(String key) {
            for (Member m : members) if (m.key.equals(key)) return m;
            return null;
        }
    }

    /** The object whose '{' is at `open` in `plain` (valid JSON: the file parsed). */
    private static Obj object(String plain, int open) {
        var members = new ArrayList<Member>();
        int i = skipSpace(plain, open + 1);
        while (plain.charAt(i) != '}') {
            int keyEnd = skipValue(plain, i);
            String key = (String) Json.parse(plain.substring(i, keyEnd));
            int value = skipSpace(plain, skipSpace(plain, keyEnd) + 1);   // past the ':'
            int end = skipValue(plain, value);
            members.add(new Member(key, i, value, end));
            i = skipSpace(plain, end);
            if (plain.charAt(i) == ',') i = skipSpace(plain, i + 1);
        }
        return new Obj(open, i, members);
    }

    /** Adds `"key": value` as the object's last member, on a line of its own. */
    private void insert(Obj at, String key, Object value) {
        String noComments = plain(text, false);
        if (at.members.isEmpty()) {
            String memberIndent = lineIndent(at.open) + indent;
            String member = newline + memberIndent + Json.write(key) + ": " + pretty(value, memberIndent);
            boolean blank = text.substring(at.open + 1, at.close).isBlank();
            text = text.substring(0, at.open + 1) + member + (blank ? newline + lineIndent(at.open) + text.substring(at.close) : text.substring(at.open + 1));
            return;
        }
        Member last = at.members.get(at.members.size() - 1);
        int lineEnd = lineBreakAfter(last.end);
        if (!startsLine(last.start) || lineEnd < 0 || lineEnd > at.close) {   // members on one line: {"a": 1}
            text = text.substring(0, last.end) + ", " + Json.write(key) + ": " + Json.write(value) + text.substring(last.end);
            return;
        }
        String memberIndent = lineIndent(last.start);
        boolean trailingComma = noComments.substring(last.end, at.close).contains(",");
        // after the last member's line, its comment included; a comma right after its value, or
        // one after the new member too where the file ends every member with one
        text = text.substring(0, last.end) + (trailingComma ? "" : ",") + text.substring(last.end, lineEnd)
                + newline + memberIndent + Json.write(key) + ": " + pretty(value, memberIndent) + (trailingComma ? "," : "") + text.substring(lineEnd);
    }

    /** Takes a member out with its comma, and its line when it had one of its own; comments on other lines stay. */
    private void cut(String plain, Obj at, Member m) {
        int i = at.members.indexOf(m);
        if (at.members.size() == 1) {                    // the object's only member: {} is left
            text = text.substring(0, at.open + 1) + text.substring(at.close);
        } else if (i < at.members.size() - 1) {          // the member, its comma, and the rest of its line if that is blank
            int from = startsLine(m.start) ? text.lastIndexOf('\n', m.start - 1) + 1 : m.start;
            int to = plain.indexOf(',', m.end) + 1;
            int lineEnd = text.indexOf('\n', to);
            to = lineEnd >= 0 && plain.substring(to, lineEnd).isBlank() ? lineEnd + 1 : skipSpace(plain, to);   // a CR is blank
            text = text.substring(0, from) + text.substring(to);
        } else if (startsLine(m.start)) {                // the last, on lines of its own: they go, with its comma
            int lf = text.lastIndexOf('\n', m.start - 1);
            int lineStart = lf > 0 && text.charAt(lf - 1) == '\r' ? lf - 1 : lf;   // the line break before it, CR included
            String rest = plain(text, false).substring(m.end, at.close);
            if (rest.contains(",")) {                    // a trailing one: the one before keeps its comma, now the trailing one
                text = text.substring(0, lineStart) + text.substring(m.end + rest.indexOf(',') + 1);
            } else {                                     // else the comma before it goes
                int comma = plain.indexOf(',', at.members.get(i - 1).end);
                text = text.substring(0, comma) + text.substring(comma + 1, lineStart) + text.substring(m.end);
            }
        } else {                                         // the last, on the line of the one before: from that one's end
            text = text.substring(0, at.members.get(i - 1).end) + text.substring(m.end);
        }
    }

    private String pretty(Object value, String baseIndent) {
        return Json.pretty(value, indent).replace("\n", newline + baseIndent);   // JSON strings hold no raw line breaks
    }

    // where the first line break at or after i starts (its CR, in a CRLF file); -1 for none
    private int lineBreakAfter(int i) {
        int lf = text.indexOf('\n', Math.max(i, 0));
        return lf > 0 && text.charAt(lf - 1) == '\r' && lf - 1 >= i ? lf - 1 : lf;
    }

    // the whitespace that starts the line holding offset i
    private String lineIndent(int i) {
        int start = text.lastIndexOf('\n', i - 1) + 1;
        int end = start;
        while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) end++;
        return text.substring(start, end);
    }

    private boolean startsLine(int i) {
        return text.substring(text.lastIndexOf('\n', i - 1) + 1, i).isBlank();
    }

    private String plain(String s, boolean commas) {
        return jsonc ? blank(s, commas) : s;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /** The end of the JSON value (string, object, array or literal) that starts at i. */
    private static int skipValue(String s, int i) {
        char c = s.charAt(i);
        if (c == '"') {
            for (i++; s.charAt(i) != '"'; i++) if (s.charAt(i) == '\\') i++;
            return i + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            for (; ; i++) {
                c = s.charAt(i);
                if (c == '"') i = skipValue(s, i) - 1;
                else if (c == '{' || c == '[') depth++;
                else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
            }
        }
        while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) i++;
        return i;
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
        return blank(text, true);
    }

    // as blankComments; `commas` false leaves trailing commas in place
    private static String blank(String text, boolean commas) {
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
                if (commas) out.setCharAt(lastComma, ' ');
                lastComma = -1;
            } else if (!Character.isWhitespace(c)) {
                lastComma = -1;
            }
        }
        return out.toString();
    }
}
