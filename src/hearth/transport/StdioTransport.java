package hearth.transport;

import hearth.config.Config;
import hearth.json.Json;
import hearth.json.JsonException;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

// MCP over stdio: one JSON-RPC message per line in, each answer written as one whole line out.
// A line that is not JSON gets -32700 and reading goes on; an over-long line is skipped to its end
// and answered the same way. Returns at EOF once in-flight requests have finished (bounded).
public final class StdioTransport {
    private final InputStream in;
    private final OutputStream out;
    private final McpServer server;
    private final Session session = new Session();

    public StdioTransport(InputStream in, OutputStream out, McpServer server) {
        this.in = in;
        this.out = out;
        this.server = server;
    }

    public void run() throws IOException {
        var line = new ByteArrayOutputStream();
        boolean tooLong = false;
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] != '\n') continue;
                if (line.size() + (i - start) > Config.MAX_LINE_BYTES) tooLong = true;
                if (!tooLong) line.write(buffer, start, i - start);
                handle(tooLong ? new byte[0] : line.toByteArray(), tooLong);
                line.reset();
                tooLong = false;
                start = i + 1;
            }
            if (!tooLong) line.write(buffer, start, n - start);
            if (line.size() > Config.MAX_LINE_BYTES) { tooLong = true; line.reset(); }
        }
        if (line.size() > 0 || tooLong) handle(line.toByteArray(), tooLong);   // a last line without '\n'
        server.close();
        session.close();
    }

    private void handle(byte[] bytes, boolean tooLong) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') end--;
        if (!tooLong && isBlank(bytes, end)) return;
        Object message;
        try {
            if (tooLong) throw new JsonException("Expected a message of at most " + Config.MAX_LINE_BYTES + " bytes, found a longer line");
            message = Json.parse(end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end));
        } catch (JsonException e) {
            send(Rpc.error(null, Rpc.PARSE_ERROR, "Parse error: " + e.getMessage(), null));
            return;
        }
        server.accept(message, session, this::send);
    }

    private synchronized void send(Map<String, Object> message) {
        try {
            out.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.err.println("hearth: cannot write to stdout (" + e.getMessage() + "); the client has gone");
        }
    }

    private static boolean isBlank(byte[] bytes, int end) {
        for (int i = 0; i < end; i++) if (bytes[i] != ' ' && bytes[i] != '\t') return false;
        return true;
    }
}
