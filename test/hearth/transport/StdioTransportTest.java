package hearth.transport;

import static org.junit.jupiter.api.Assertions.*;

import hearth.config.Config;
import hearth.json.Json;
import hearth.tools.Registry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StdioTransportTest {
    @TempDir Path home;

    @Test
    void crlfBlankLinesAndALastLineWithoutNewline_areRead() throws Exception {
        var lines = run("\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n   \n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertEquals(List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}"), sortById(lines));
    }

    @Test
    void overLongLine_isAParseErrorAndReadingGoesOn() throws Exception {
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" + "a".repeat(Config.MAX_LINE_BYTES + 10) + "\"}}";
        var lines = run(huge + "\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("-32700") && lines.get(0).contains("at most " + Config.MAX_LINE_BYTES + " bytes"), lines.get(0));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}", lines.get(1));
    }

    @Test
    void invalidUtf8_isAParseError() throws Exception {
        byte[] bad = {'{', '"', (byte) 0xff, '"', ':', '1', '}', '\n'};
        var out = new ByteArrayOutputStream();
        new StdioTransport(new ByteArrayInputStream(bad), out, Registry.server(Config.load(Map.of(), Map.of(), home))).run();
        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.contains("\"code\":-32700") && line.contains("UTF-8"), line);
    }

    @Test
    void textWithNewlinesAndLineSeparators_staysOnOneLine() throws Exception {
        var lines = run("{\"jsonrpc\":\"2.0\",\"id\":\"a\\nb\u2028\",\"method\":\"ping\"}\n");
        assertEquals(1, lines.size());
        assertEquals("a\nb\u2028", ((Map<?, ?>) Json.parse(lines.get(0))).get("id"));
    }

    private List<String> run(String input) throws Exception {
        var out = new ByteArrayOutputStream();
        var server = Registry.server(Config.load(Map.of(), Map.of(), home));
        new StdioTransport(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, server).run();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static List<String> sortById(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
