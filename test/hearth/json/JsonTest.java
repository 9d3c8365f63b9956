package hearth.json;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parse_values_plainJdkTypes() {
        assertEquals(Map.of("a", 1L, "b", List.of(true, false), "c", "x"), Json.parse("{\"a\":1,\"b\":[true,false],\"c\":\"x\"}"));
        assertNull(Json.parse(" null "));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(100.0, Json.parse("1e2"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("123456789012345678901234567890"), Json.parse("123456789012345678901234567890"));
        assertEquals("\u00e9\uD834\uDD1E\n/", Json.parse("\"\\u00e9\\ud834\\udd1e\\n\\/\""));
    }

    @Test
    void parse_object_keepsKeyOrder() {
        var map = Json.parseObject("{\"z\":1,\"a\":2,\"m\":3}");
        assertEquals(List.of("z", "a", "m"), List.copyOf(map.keySet()));
    }

    @Test
    void parse_errors_sayWhatAndWhere() {
        assertParseError("{\"a\" 1}", "Expected ':' after object key, found '1' at 1:6");
        assertParseError("[1,]", "Expected a JSON value, found ']' at 1:4");
        assertParseError("{\n  \"a\": tru}", "Expected 'true', found 't' at 2:8");
        assertParseError("[1 2]", "Expected ',' or ']' in array, found '2' at 1:4");
        assertParseError("", "Unexpected end of input, expected a JSON value at 1:1");
        assertParseError("01", "Expected no leading zeros in a number at 1:2");
        assertParseError("\"a\tb\"", "Expected an escaped control character in string, found control character U+0009 at 1:3");
        assertParseError("\"\\x\"", "Expected a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found 'x' at 1:3");
        assertParseError("1e999", "Expected a number within double range, found 1e999 at 1:1");
        assertParseError("{} x", "Expected end of input after the JSON value, found 'x' at 1:4");
    }

    @Test
    void parse_deepNesting_isCappedNotStackOverflow() {
        String ok = "[".repeat(1000) + "]".repeat(1000);
        assertNotNull(Json.parse(ok));
        String deep = "[".repeat(100_000);
        var e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().startsWith("Expected at most 1000 levels of nesting"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":".repeat(5000)));
    }

    @Test
    void parse_invalidUtf8Bytes_isRejected() {
        var e = assertThrows(JsonException.class, () -> Json.parse(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void write_isCompactAndNeverHasARawNewline() {
        assertEquals("{\"a\":[1,2.5,\"x\\ny\",null,true],\"b\":{}}",
                Json.write(Json.obj("a", Json.arr(1L, 2.5, "x\ny", null, true), "b", Json.obj())));
        assertEquals("\"\\u2028\\u2029\\u0001\\\"\\\\\\r\\t\"", Json.write("\u2028\u2029\u0001\"\\\r\t"));
        assertEquals("\"\\ud800x\"", Json.write("\uD800x"));
        assertEquals("\"\uD834\uDD1E\"", Json.write("\uD834\uDD1E"));
        assertEquals("3.0", Json.write(3.0));
        assertEquals("1.0E20", Json.write(1e20));
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
    }

    @Test
    void write_thenParse_roundTrips() {
        Object value = Json.parse("{\"s\":\"\\u0000\\ud800\\u2028é\",\"n\":[0,-1,1.25e-7,123456789012345678901234567890],\"o\":{\"k\":null}}");
        assertEquals(value, Json.parse(Json.write(value)));
    }

    /** JSONTestSuite (Nicolas Seriot): y_ must parse, n_ must be rejected, i_ follow the rules in JsonParser's header. */
    @Test
    void jsonTestSuite_everyFile_asSpecifiedOrDocumented() throws Exception {
        Path dir = Path.of(System.getProperty("hearth.shared", "../shared"), "corpora/JSONTestSuite/test_parsing");
        assertTrue(Files.isDirectory(dir), "JSONTestSuite not found at " + dir.toAbsolutePath());
        List<Path> files;
        try (var list = Files.list(dir)) { files = list.sorted().toList(); }
        assertTrue(files.size() > 300, "expected the whole suite, found " + files.size() + " files");
        var wrong = new StringBuilder();
        for (Path file : files) {
            String name = file.getFileName().toString();
            byte[] bytes = Files.readAllBytes(file);
            String outcome;
            try {
                Json.parse(bytes);
                outcome = "accept";
            } catch (JsonException e) {
                if (e.getMessage().isBlank()) wrong.append(name).append(": empty error message\n");
                outcome = "reject";
            }
            String want = name.startsWith("y_") ? "accept" : name.startsWith("n_") ? "reject" : IMPLEMENTATION_DEFINED.get(name);
            if (want == null) wrong.append(name).append(": no documented choice\n");
            else if (!want.equals(outcome)) wrong.append(name).append(": wanted ").append(want).append(", got ").append(outcome).append('\n');
        }
        assertEquals("", wrong.toString());
    }

    // The deliberate rule for every i_ file (see JsonParser's header).
    private static final Map<String, String> IMPLEMENTATION_DEFINED = Map.ofEntries(
            Map.entry("i_number_double_huge_neg_exp.json", "accept"),     // underflow reads as 0.0
            Map.entry("i_number_huge_exp.json", "reject"),                // beyond double range
            Map.entry("i_number_neg_int_huge_exp.json", "reject"),
            Map.entry("i_number_pos_double_huge_exp.json", "reject"),
            Map.entry("i_number_real_neg_overflow.json", "reject"),
            Map.entry("i_number_real_pos_overflow.json", "reject"),
            Map.entry("i_number_real_underflow.json", "accept"),
            Map.entry("i_number_too_big_neg_int.json", "accept"),         // integers stay exact (BigInteger)
            Map.entry("i_number_too_big_pos_int.json", "accept"),
            Map.entry("i_number_very_big_negative_int.json", "accept"),
            Map.entry("i_object_key_lone_2nd_surrogate.json", "accept"),  // escaped lone surrogates are kept
            Map.entry("i_string_1st_surrogate_but_2nd_missing.json", "accept"),
            Map.entry("i_string_1st_valid_surrogate_2nd_invalid.json", "accept"),
            Map.entry("i_string_incomplete_surrogate_and_escape_valid.json", "accept"),
            Map.entry("i_string_incomplete_surrogate_pair.json", "accept"),
            Map.entry("i_string_incomplete_surrogates_escape_valid.json", "accept"),
            Map.entry("i_string_invalid_lonely_surrogate.json", "accept"),
            Map.entry("i_string_invalid_surrogate.json", "accept"),
            Map.entry("i_string_inverted_surrogates_U+1D11E.json", "accept"),
            Map.entry("i_string_lone_second_surrogate.json", "accept"),
            Map.entry("i_string_UTF-16LE_with_BOM.json", "reject"),       // JSON on the wire is UTF-8 only
            Map.entry("i_string_utf16BE_no_BOM.json", "reject"),
            Map.entry("i_string_utf16LE_no_BOM.json", "reject"),
            Map.entry("i_string_UTF-8_invalid_sequence.json", "reject"),  // invalid UTF-8 bytes are rejected
            Map.entry("i_string_UTF8_surrogate_U+D800.json", "reject"),
            Map.entry("i_string_invalid_utf-8.json", "reject"),
            Map.entry("i_string_iso_latin_1.json", "reject"),
            Map.entry("i_string_lone_utf8_continuation_byte.json", "reject"),
            Map.entry("i_string_not_in_unicode_range.json", "reject"),
            Map.entry("i_string_overlong_sequence_2_bytes.json", "reject"),
            Map.entry("i_string_overlong_sequence_6_bytes.json", "reject"),
            Map.entry("i_string_overlong_sequence_6_bytes_null.json", "reject"),
            Map.entry("i_string_truncated-utf-8.json", "reject"),
            Map.entry("i_structure_500_nested_arrays.json", "accept"),    // within the 1000-level cap
            Map.entry("i_structure_UTF-8_BOM_empty_object.json", "accept")); // a leading BOM is skipped

    private static void assertParseError(String json, String message) {
        var e = assertThrows(JsonException.class, () -> Json.parse(json));
        assertEquals(message, e.getMessage());
    }
}
