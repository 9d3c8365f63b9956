package hearth.transport;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import hearth.mcp.McpServer;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

// A real HttpTransport on loopback port 0 with two test tools (steps: three progress notifications
// then an answer; block: waits until cancelled), and the clients the HTTP tests use: java.net.http
// for ordinary requests, a raw socket where a test must set Host or drop the connection mid-stream.
final class HttpFixture implements AutoCloseable {
    static final String ACCEPT_BOTH = "application/json, text/event-stream";
    static final String MODERN = "2026-07-28";

    final CountDownLatch blockStarted = new CountDownLatch(1);
    final CountDownLatch blockCancelled = new CountDownLatch(1);
    final McpServer server = new McpServer(List.of(steps(), block()), List.of(), List.of());
    final HttpTransport transport;
    final URI uri;
    private final HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();

    HttpFixture(String token, List<String> origins, HttpTransport.Limits limits) throws IOException {
        transport = new HttpTransport(server, "127.0.0.1", 0, token, origins, limits);
        transport.start();   // bound and serving: no wait needed
        uri = transport.uri();
    }

    HttpFixture() throws IOException {
        this(null, List.of(), limits(16, Duration.ofMinutes(5)));
    }

    /** Small bounds so tests reach the edges fast; keep-alives every 50 ms find a closed stream quickly. */
    static HttpTransport.Limits limits(int sessions, Duration idle) {
        return new HttpTransport.Limits(sessions, idle, Duration.ofMillis(50), 64 * 1024);
    }

    @Override
    public void close() {
        transport.stop();
        server.close();
    }

    record Reply(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The body as JSON, or, for an SSE body, the last event's data. */
        Map<String, Object> json() {
            String text = body;
            if ("text/event-stream".equals(header("Content-Type"))) {
                var data = body.lines().filter(l -> l.startsWith("data: {")).toList();
                assertFalse(data.isEmpty(), "no data event in: " + body);
                text = data.get(data.size() - 1).substring(6);
            }
            return Json.parseObject(text);
        }

        long errorCode() {
            return (Long) ((Map<?, ?>) json().get("error")).get("code");
        }
    }

    Reply send(String method, String body, String... headers) throws Exception {
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) builder.headers(headers);
        var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().map(), response.body());
    }

    /** A POST with the headers every MCP client sends, plus `headers`. */
    Reply post(String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "Content-Type"; all[1] = "application/json"; all[2] = "Accept"; all[3] = ACCEPT_BOTH;
        System.arraycopy(headers, 0, all, 4, headers.length);
        return send("POST", body, all);
    }

    /** initialize → notifications/initialized; returns the session id. */
    String initialize() throws Exception {
        var reply = post(request(1, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}"));
        assertEquals(200, reply.status(), reply.body());
        String id = reply.header("Mcp-Session-Id");
        assertNotNull(id, "initialize answer has no Mcp-Session-Id");
        assertEquals(202, post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Mcp-Session-Id", id).status());
        return id;
    }

    /** A POST in a legacy session, with its session and protocol version headers. */
    Reply inSession(String session, String body) throws Exception {
        return post(body, "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
    }

    /** A 2026-07-28 request: _meta in the body and the three headers that must match it. */
    Reply modern(long id, String method, String name, String params) throws Exception {
        String body = request(id, method, modernParams(params));
        return name == null ? post(body, "MCP-Protocol-Version", MODERN, "Mcp-Method", method)
                            : post(body, "MCP-Protocol-Version", MODERN, "Mcp-Method", method, "Mcp-Name", name);
    }

    static String modernParams(String params) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\",\"io.modelcontextprotocol/clientCapabilities\":{}";
        if (params.contains("\"progressToken\"")) return params;   // the caller wrote its own _meta
        return params.equals("{}") ? "{" + meta + "}}" : "{" + meta + "}," + params.substring(1);
    }

    static String request(long id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    /** Raw HTTP/1.1 over a socket: the request is written whole; the caller reads and closes. */
    Socket raw(String method, String hostHeader, String body, String... headers) throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        socket.setSoTimeout(10_000);
        var text = new StringBuilder(method + " /mcp HTTP/1.1\r\nHost: " + hostHeader + "\r\n");
        for (int i = 0; i < headers.length; i += 2) text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        text.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** Reads from `in` until `marker` has arrived; returns everything read. */
    static String readUntil(InputStream in, String marker) throws IOException {
        var seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        for (int n; !seen.toString().contains(marker) && (n = in.read(buffer)) != -1; ) seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        assertTrue(seen.toString().contains(marker), "never saw " + marker + " in:\n" + seen);
        return seen.toString();
    }

    private static Tool steps() {
        return new Tool("steps", null, "Reports three progress steps, then answers", "{\"type\":\"object\",\"properties\":{}}", null, null,
                (args, call) -> {
                    for (int i = 1; i <= 3; i++) call.progress(i, 3.0, "step " + i);
                    return ToolResult.text("done");
                });
    }

    private Tool block() {
        return new Tool("block", null, "Waits until cancelled", "{\"type\":\"object\",\"properties\":{}}", null, null,
                (args, call) -> {
                    call.onCancel(blockCancelled::countDown);
                    call.progress(1, null, "started");
                    blockStarted.countDown();
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);   // ends early only by cancellation (an interrupt)
                    return ToolResult.text("never cancelled");
                });
    }
}
