package hearth.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

// Strict RFC 8259 recursive descent over a String. One method per grammar production; errors carry
// line:column. Documented choices where the RFC leaves room (JSONTestSuite's i_ files):
//   - a leading byte order mark (U+FEFF) is skipped, as RFC 8259 §8.1 permits;
//   - \\uXXXX escapes of lone surrogates are accepted and kept; the writer escapes them back out;
//   - integers beyond 64 bits stay exact as BigInteger; a number too large for a double is an error;
//   - a number too small for a double reads as 0.0 (underflow is not a loss a caller can act on).
// Invalid UTF-8 never gets here: Json.parse(byte[]) rejects it while decoding.
final class JsonParser {
    static final int MAX_NESTING = 1000;           // deeper input would overflow the stack, not parse
    static final int MAX_CHARS = 64 * 1024 * 1024; // matches the transports' message caps

    private final String text;
    private int pos;
    private int depth;

    JsonParser(String text) {
        this.text = text;
    }

    Object parse() {
        if (text.length() > MAX_CHARS) throw new JsonException("Expected at most " + MAX_CHARS + " characters of JSON, found " + text.length());
        if (text.startsWith("\uFEFF")) pos = 1;
        skipWhitespace();
        Object value = readValue();
        skipWhitespace();
        if (!isAtEnd()) throw error("Expected end of input after the JSON value, found " + describe(peek()));
        return value;
    }

    private Object readValue() {
        if (isAtEnd()) throw error("Unexpected end of input, expected a JSON value");
        char c = peek();
        switch (c) {
            case '{': return readObject();
            case '[': return readArray();
            case '"': return readString();
            case 't': readWord("true"); return Boolean.TRUE;
            case 'f': readWord("false"); return Boolean.FALSE;
            case 'n': readWord("null"); return null;
            default:
                if (c == '-' || isDigit(c)) return readNumber();
                throw error("Expected a JSON value, found " + describe(c));
        }
    }

    private LinkedHashMap<String, Object> readObject() {
        enter();
        pos++; // '{'
        var map = new LinkedHashMap<String, Object>();
        skipWhitespace();
        if (readChar('}')) { depth--; return map; }
        do {
            skipWhitespace();
            if (isAtEnd() || peek() != '"') throw expected("a string key in double quotes");
            String key = readString();
            skipWhitespace();
            if (!readChar(':')) throw expected("':' after object key");
            skipWhitespace();
            map.put(key, readValue()); // a repeated key keeps its last value, as most parsers do
            skipWhitespace();
        } while (readChar(','));
        if (!readChar('}')) throw expected("',' or '}' in object");
        depth--;
        return map;
    }

    private List<Object> readArray() {
        enter();
        pos++; // '['
        var list = new ArrayList<Object>();
        skipWhitespace();
        if (readChar(']')) { depth--; return list; }
        do {
            skipWhitespace();
            list.add(readValue());
            skipWhitespace();
        } while (readChar(','));
        if (!readChar(']')) throw expected("',' or ']' in array");
        depth--;
        return list;
    }

    private String readString() {
        pos++; // opening quote
        int start = pos;
        while (!isAtEnd()) { // fast path: a string without escapes is one substring
            char c = text.charAt(pos);
            if (c == '"') return text.substring(start, pos++);
            if (c == '\\' || c < 0x20) break;
            pos++;
        }
        var out = new StringBuilder().append(text, start, pos);
        while (true) {
            if (isAtEnd()) throw error("Unexpected end of input inside a string, expected '\"'");
            char c = text.charAt(pos);
            if (c == '"') { pos++; return out.toString(); }
            if (c < 0x20) throw error("Expected an escaped control character in string, found " + describe(c));
            pos++;
            if (c == '\\') readEscape(out); else out.append(c);
        }
    }

    private void readEscape(StringBuilder out) {
        if (isAtEnd()) throw error("Unexpected end of input in an escape sequence");
        char c = text.charAt(pos++);
        switch (c) {
            case '"', '\\', '/' -> out.append(c);
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = isAtEnd() ? -1 : Character.digit(text.charAt(pos), 16);
                    if (digit < 0) throw expected("four hex digits after \\u");
                    code = code * 16 + digit;
                    pos++;
                }
                out.append((char) code);
            }
            default -> { pos--; throw error("Expected a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found " + describe(c)); }
        }
    }

    private Object readNumber() {
        int start = pos;
        readChar('-');
        if (readChar('0')) {
            if (!isAtEnd() && isDigit(peek())) throw error("Expected no leading zeros in a number");
        } else if (!readDigits()) {
            throw expected("a digit");
        }
        boolean integer = true;
        if (readChar('.')) {
            integer = false;
            if (!readDigits()) throw expected("a digit after the decimal point");
        }
        if (readChar('e') || readChar('E')) {
            integer = false;
            if (!readChar('+')) readChar('-');
            if (!readDigits()) throw expected("a digit in the exponent");
        }
        String literal = text.substring(start, pos);
        if (integer) {
            if (literal.length() < 19) return Long.parseLong(literal);
            var big = new BigInteger(literal);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) { pos = start; throw error("Expected a number within double range, found " + literal); }
        return d;
    }

    private boolean readDigits() {
        int start = pos;
        while (!isAtEnd() && isDigit(peek())) pos++;
        return pos > start;
    }

    private void readWord(String word) {
        if (!text.startsWith(word, pos)) throw expected("'" + word + "'");
        pos += word.length();
    }

    private void enter() {
        if (++depth > MAX_NESTING) throw error("Expected at most " + MAX_NESTING + " levels of nesting");
    }

    private void skipWhitespace() {
        while (!isAtEnd()) {
            char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private boolean readChar(char c) {
        if (isAtEnd() || peek() != c) return false;
        pos++;
        return true;
    }

    private char peek() { return text.charAt(pos); }
    private boolean isAtEnd() { return pos >= text.length(); }
    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) return String.format("control character U+%04X", (int) c);
        return "'" + c + "'";
    }

    private JsonException expected(String what) {
        return isAtEnd() ? error("Unexpected end of input, expected " + what)
                         : error("Expected " + what + ", found " + describe(peek()));
    }

    private JsonException error(String message) {
        int line = 1, lineStart = 0;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') { line++; lineStart = i + 1; }
        }
        return new JsonException(message, line, pos - lineStart + 1);
    }
}
