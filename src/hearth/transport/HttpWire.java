package hearth.transport;

import com.sun.net.httpserver.HttpExchange;
import hearth.json.Json;
import hearth.mcp.Rpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

// The HTTP basics of one exchange, for HttpTransport: Content-Type and Accept matching, the capped
// request body, and answers as JSON (a JSON-RPC error for every refusal, as the TS SDK sends).
final class HttpWire {
    static final int SERVER_ERROR = -32000;   // JSON-RPC implementation-defined server error, as the TS SDK answers

    private HttpWire() {}

    /** The body, or null when it is over the cap; then up to another cap's worth is read and dropped, so the 413 reaches the client. */
    static byte[] readBody(HttpExchange ex, int maxBytes) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        boolean tooLong = length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxBytes;
        byte[] body = tooLong ? new byte[0] : ex.getRequestBody().readNBytes(maxBytes + 1);
        if (!tooLong && body.length <= maxBytes) return body;
        for (long left = maxBytes; left > 0; ) {   // unread bytes at close make TCP reset the connection, losing the answer
            long skipped = ex.getRequestBody().skip(left);
            if (skipped <= 0) break;
            left -= skipped;
        }
        ex.getResponseHeaders().set("Connection", "close");
        return null;
    }

    static boolean isJson(String contentType) {
        return contentType != null && contentType.split(";")[0].strip().equalsIgnoreCase("application/json");
    }

    /** Whether an Accept header admits a media type, directly or through * / * or type/ *. */
    static boolean accepts(String accept, String type) {
        if (accept == null) return false;
        for (String range : accept.split(",")) {
            String r = range.split(";")[0].strip().toLowerCase(Locale.ROOT);
            if (r.equals(type) || r.equals("*/*") || r.equals(type.substring(0, type.indexOf('/') + 1) + "*")) return true;
        }
        return false;
    }

    static void methodNotAllowed(HttpExchange ex, String allow, String why) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        error(ex, 405, SERVER_ERROR, null, "Method Not Allowed: " + why);
    }

    static void error(HttpExchange ex, int status, int code, Object id, String message) {
        try {
            json(ex, status, Rpc.error(id, code, message, null));
        } catch (IOException e) {
            // the client went away; nothing is left to tell it
        }
    }

    static void json(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
