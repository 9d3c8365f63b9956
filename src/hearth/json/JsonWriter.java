package hearth.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

// Compact JSON output. Escapes '"', '\', every char below 0x20, U+2028/U+2029 (line separators to
// some readers) and lone surrogates, so the output is one line of valid UTF-8 text.
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {}

    static void write(Object value, StringBuilder out) {
        if (value == null) out.append("null");
        else if (value instanceof String s) writeString(s, out);
        else if (value instanceof Boolean b) out.append(b.booleanValue());
        else if (value instanceof Map<?, ?> map) writeObject(map, out);
        else if (value instanceof List<?> list) writeArray(list, out);
        else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) out.append(value);
        else if (value instanceof Double || value instanceof Float) writeDouble(((Number) value).doubleValue(), out);
        else if (value instanceof BigDecimal d) out.append(d.toString());
        else throw new JsonException("Expected a JSON value (Map, List, String, Number, Boolean or null), found " + value.getClass().getName());
    }

    /** Multi-line output for files people read (client configs): `indent` per level, "key": value. */
    static void writePretty(Object value, String indent, String prefix, StringBuilder out) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append("{\n");
            int i = 0;
            for (var entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) throw new JsonException("Expected a String object key, found " + entry.getKey());
                out.append(prefix).append(indent);
                writeString(key, out);
                out.append(": ");
                writePretty(entry.getValue(), indent, prefix + indent, out);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(prefix).append('}');
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                out.append(prefix).append(indent);
                writePretty(list.get(i), indent, prefix + indent, out);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            out.append(prefix).append(']');
        } else {
            write(value, out);
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (var entry : map.entrySet()) {
            if (!first) out.append(',');
            first = false;
            if (!(entry.getKey() instanceof String key)) throw new JsonException("Expected a String object key, found " + entry.getKey());
            writeString(key, out);
            out.append(':');
            write(entry.getValue(), out);
        }
        out.append('}');
    }

    private static void writeArray(List<?> list, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) out.append(',');
            write(list.get(i), out);
        }
        out.append(']');
    }

    private static void writeDouble(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new JsonException("Expected a finite number, found " + d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) out.append((long) d).append(".0"); // 3.0, not 3.0E0
        else out.append(d);
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        int run = 0; // start of the pending run of characters that need no escape
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = null;
            if (c == '"') escape = "\\\"";
            else if (c == '\\') escape = "\\\\";
            else if (c == '\n') escape = "\\n";
            else if (c == '\r') escape = "\\r";
            else if (c == '\t') escape = "\\t";
            else if (c < 0x20 || c == '\u2028' || c == '\u2029' || isLoneSurrogate(s, i)) escape = unicodeEscape(c);
            else if (Character.isHighSurrogate(c)) { i++; continue; } // a valid pair: copy both halves
            if (escape == null) continue;
            out.append(s, run, i).append(escape);
            run = i + 1;
        }
        out.append(s, run, s.length()).append('"');
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        return Character.isLowSurrogate(c); // a low surrogate reached here had no high one before it
    }

    private static String unicodeEscape(char c) {
        return new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 15], HEX[(c >> 4) & 15], HEX[c & 15]});
    }
}
