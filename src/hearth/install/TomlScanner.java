package hearth.install;

import java.util.ArrayList;
import java.util.List;

// Just enough of TOML 1.0 to tell a valid config.toml from a broken one, naming line:column, and
// to find where each [table] starts and ends. Values are checked for shape (strings with escapes,
// multi-line strings, nested and multi-line arrays, inline tables, bare numbers/dates/booleans)
// but not converted: TomlConfig edits text, it never rewrites the user's values.
final class TomlScanner {
    private final String text;
    private int pos;
    final List<List<String>> looseServerKeys = new ArrayList<>();  // mcp_servers.X.… set outside a [mcp_servers.X] header

    TomlScanner(String text) {
        this.text = text;
    }

    List<TomlConfig.Table> scan() {
        var tables = new ArrayList<TomlConfig.Table>();
        List<String> header = List.of();
        int start = -1, end = -1;
        while (true) {
            skipBlank();
            if (isAtEnd()) break;
            int lineStart = pos;
            if (peek() == '[') {
                if (start >= 0) tables.add(new TomlConfig.Table(header, start, end));
                boolean array = text.startsWith("[[", pos);
                pos += array ? 2 : 1;
                header = readKey();
                if (!readChar(']') || array && !readChar(']')) throw expected(array ? "']]' after the table name" : "']' after the table name");
                start = array ? -1 : lineStart;  // arrays of tables are never ours: not tracked
            } else {
                List<String> key = readKey();
                skipSpaces();
                if (!readChar('=')) throw expected("'=' after the key");
                skipSpaces();
                readValue();
                var full = new ArrayList<>(header);
                full.addAll(key);
                if (header.size() < 2 && full.size() >= 2 && full.get(0).equals("mcp_servers")) looseServerKeys.add(full);
            }
            skipSpaces();
            if (peek() == '#') skipComment();
            readChar('\r');
            if (!isAtEnd() && !readChar('\n')) throw expected("end of line");
            end = pos;
        }
        if (start >= 0) tables.add(new TomlConfig.Table(header, start, end));
        return tables;
    }

    private List<String> readKey() {
        var parts = new ArrayList<String>();
        do {
            skipSpaces();
            if (peek() == '"' || peek() == '\'') parts.add(readString());
            else {
                int from = pos;
                while (!isAtEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '-')) pos++;
                if (from == pos) throw expected("a key");
                parts.add(text.substring(from, pos));
            }
            skipSpaces();
        } while (readChar('.'));
        return parts;
    }

    private void readValue() {
        if (isAtEnd()) throw expected("a value");
        char c = peek();
        if (c == '"' || c == '\'') readString();
        else if (c == '[') readArray();
        else if (c == '{') readInlineTable();
        else readBare();
    }

    private String readString() {
        char quote = text.charAt(pos);
        String triple = String.valueOf(quote).repeat(3);
        if (text.startsWith(triple, pos)) {
            int close = text.indexOf(triple, pos + 3);
            if (close < 0) throw expected("closing " + triple);
            while (text.startsWith(String.valueOf(quote), close + 3)) close++;  // up to two quotes may end the content
            String content = text.substring(pos + 3, close);
            pos = close + 3;
            return content;
        }
        var out = new StringBuilder();
        pos++;
        while (true) {
            if (isAtEnd() || peek() == '\n') throw expected("closing " + quote);
            char ch = text.charAt(pos++);
            if (ch == quote) return out.toString();
            if (ch == '\\' && quote == '"') {
                if (isAtEnd()) throw expected("an escape");
                char e = text.charAt(pos++);
                if ("btnfr\"\\".indexOf(e) >= 0) out.append(e);
                else if ((e == 'u' || e == 'U') && isHex(pos, e == 'u' ? 4 : 8)) pos += e == 'u' ? 4 : 8;
                else { pos -= 2; throw expected("a valid escape (\\\\ \\\" \\n \\t \\uXXXX ...); write Windows paths with \\\\ or in 'single quotes'"); }
            } else {
                out.append(ch);
            }
        }
    }

    private void readArray() {
        pos++;
        while (true) {
            skipBlank();
            if (readChar(']')) return;
            readValue();
            skipBlank();
            if (readChar(']')) return;
            if (!readChar(',')) throw expected("',' or ']' in the array");
        }
    }

    private void readInlineTable() {
        pos++;
        skipSpaces();
        if (readChar('}')) return;
        while (true) {
            readKey();
            if (!readChar('=')) throw expected("'=' after the key");
            skipSpaces();
            readValue();
            skipSpaces();
            if (readChar('}')) return;
            if (!readChar(',')) throw expected("',' or '}' in the inline table");
            skipSpaces();
        }
    }

    // numbers, booleans, dates, inf and nan: one run of the characters they are made of
    private void readBare() {
        int from = pos;
        while (!isAtEnd() && ("+-._:".indexOf(peek()) >= 0 || Character.isLetterOrDigit(peek())
                || peek() == ' ' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)) && text.charAt(pos - 1) != ' ')) pos++;
        String bare = text.substring(from, pos);
        if (!bare.matches("true|false|[+-]?(inf|nan)|[+-]?[0-9][0-9_]*(\\.[0-9_]+)?([eE][+-]?[0-9_]+)?|0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9:.TZtz +-]+")) {
            pos = from;
            throw expected("a value (a \"string\", number, true/false, date, [array] or {table})");
        }
    }

    private boolean isHex(int from, int count) {
        if (from + count > text.length()) return false;
        for (int i = from; i < from + count; i++) if (Character.digit(text.charAt(i), 16) < 0) return false;
        return true;
    }

    private void skipBlank() {
        while (!isAtEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
            else if (c == '#') skipComment();
            else return;
        }
    }

    private void skipSpaces() {
        while (!isAtEnd() && (peek() == ' ' || peek() == '\t')) pos++;
    }

    private void skipComment() {
        while (!isAtEnd() && peek() != '\n') pos++;
    }

    private boolean readChar(char c) {
        if (isAtEnd() || peek() != c) return false;
        pos++;
        return true;
    }

    private char peek() {
        return isAtEnd() ? '\0' : text.charAt(pos);
    }

    private boolean isAtEnd() {
        return pos >= text.length();
    }

    private IllegalArgumentException expected(String what) {
        int line = 1, column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') { line++; column = 1; } else column++;
        }
        String found = isAtEnd() ? "end of file" : peek() == '\n' || peek() == '\r' ? "end of line" : "'" + peek() + "'";
        return new IllegalArgumentException("Expected " + what + ", found " + found + " at " + line + ":" + column);
    }
}
