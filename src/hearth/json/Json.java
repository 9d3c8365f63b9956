package hearth.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// The one door to JSON for the rest of hearth. Values are plain JDK types: LinkedHashMap (objects,
// key order kept), List, String, Boolean, null, Long (integers; BigInteger past 64 bits) and Double.
public final class Json {
    private Json() {}

    public static Object parse(String text) {
        return new JsonParser(text).parse();
    }

    /** Strict UTF-8: invalid byte sequences (overlong forms, encoded surrogates, stray bytes) are an error. */
    public static Object parse(byte[] utf8) {
        try {
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return parse(decoder.decode(ByteBuffer.wrap(utf8)).toString());
        } catch (CharacterCodingException e) {
            throw new JsonException("Expected UTF-8 text, found an invalid byte sequence; send JSON encoded as UTF-8");
        }
    }

    /** Compact JSON with no raw newline anywhere, so one value is always one line. */
    public static String write(Object value) {
        var out = new StringBuilder();
        JsonWriter.write(value, out);
        return out.toString();
    }

    /** Indented JSON for files people read and edit, as JSON.stringify(value, null, indent) writes it. */
    public static String pretty(Object value, String indent) {
        var out = new StringBuilder();
        JsonWriter.writePretty(value, indent, "", out);
        return out.toString();
    }

    /** Parses a text that must hold an object, as tool schemas and config files do. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        if (parse(text) instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new JsonException("Expected a JSON object, found another JSON value");
    }

    /** A small literal object builder: obj("a", 1, "b", "x"). Keys and values alternate; null values are kept. */
    public static Map<String, Object> obj(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("obj() needs key, value pairs");
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    public static List<Object> arr(Object... values) {
        return new java.util.ArrayList<>(java.util.Arrays.asList(values)); // nulls allowed
    }
}
