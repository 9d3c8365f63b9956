package hearth.transport;

import static hearth.transport.HttpFixture.request;
import static org.junit.jupiter.api.Assertions.*;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Who may use the HTTP server, over real loopback sockets: the bearer-token matrix, the Origin and
// Host matrices (DNS rebinding, 403), CORS for an allowed origin, /healthz, and the refusals at
// start: a wider address without a token, and a port already in use.
class HttpSecurityTest {
    private static final String TOKEN = "s3cret-token";
    private static final String PING = request(1, "ping", "{}");
    private HttpFixture http;

    @AfterEach
    void stop() {
        if (http != null) http.close();
    }

    @Test
    void auth_matrix() throws Exception {
        http = new HttpFixture(TOKEN, List.of(), HttpFixture.limits(16, java.time.Duration.ofMinutes(5)));
        var none = http.post(PING);
        assertEquals(401, none.status());
        assertEquals("Bearer", none.header("WWW-Authenticate"));
        assertFalse(none.body().contains(TOKEN), "the token is never echoed");
        assertAuth(401, "Bearer wrong");
        assertAuth(401, "Bearer " + TOKEN.substring(1));
        assertAuth(401, "Bearer " + TOKEN + "x");
        assertAuth(401, "Basic " + TOKEN);
        assertAuth(401, TOKEN);
        assertAuth(401, "Bearer ");
        assertAuth(400, "Bearer " + TOKEN);     // through the guard; then no session → 400
        assertAuth(400, "bearer " + TOKEN);     // the scheme is case-insensitive (RFC 9110 §11.1)
        assertAuth(400, "Bearer  " + TOKEN + " ");
        assertEquals(401, http.send("GET", null, "Accept", "text/event-stream").status());
        assertEquals(401, http.send("DELETE", null, "Mcp-Session-Id", "x").status());
        var reply = http.post(request(1, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}"), "Authorization", "Bearer " + TOKEN);
        assertEquals(200, reply.status());
        var list = http.post(request(2, "tools/list", "{}"), "Authorization", "Bearer " + TOKEN, "Mcp-Session-Id", reply.header("Mcp-Session-Id"));
        assertEquals(200, list.status());
        assertEquals(401, http.post(request(2, "tools/list", "{}"), "Mcp-Session-Id", reply.header("Mcp-Session-Id")).status(), "a session id is no credential");
    }

    @Test
    void origin_matrix() throws Exception {
        http = new HttpFixture(null, List.of("https://app.example"), HttpFixture.limits(16, java.time.Duration.ofMinutes(5)));
        assertOrigin(400, null);                            // no Origin: not a browser; passes the guard
        assertOrigin(400, "http://localhost:3000");
        assertOrigin(400, "http://127.0.0.1");
        assertOrigin(400, "https://localhost");
        assertOrigin(400, "http://[::1]:6274");
        assertOrigin(400, "https://app.example");          // listed with --allow-origin
        assertOrigin(400, "HTTPS://APP.EXAMPLE/");
        assertOrigin(403, "http://evil.example.com");
        assertOrigin(403, "http://localhost.evil.example.com");
        assertOrigin(403, "http://app.example");           // scheme matters
        assertOrigin(403, "https://app.example:8443");     // and port
        assertOrigin(403, "null");
        assertOrigin(403, "file://");
        var cors = http.post(PING, "Origin", "https://app.example");
        assertEquals("https://app.example", cors.header("Access-Control-Allow-Origin"));
        assertTrue(cors.header("Access-Control-Expose-Headers").contains("Mcp-Session-Id"));
        assertNull(http.post(PING, "Origin", "http://evil.example.com").header("Access-Control-Allow-Origin"));
        assertEquals(204, http.send("OPTIONS", null, "Origin", "https://app.example", "Access-Control-Request-Method", "POST").status());
    }

    @Test
    void host_matrix() throws Exception {
        http = new HttpFixture();
        int port = http.uri.getPort();
        assertHost(400, "127.0.0.1:" + port);
        assertHost(400, "localhost:" + port);
        assertHost(400, "LOCALHOST");
        assertHost(400, "[::1]:" + port);
        assertHost(403, "evil.example.com");
        assertHost(403, "evil.example.com:" + port);
        assertHost(403, "localhost.evil.example.com:" + port);
        assertHost(403, "127.0.0.2:" + port);
        // conformance dns-rebinding-protection: both headers evil → 4xx
        try (var socket = http.raw("POST", "evil.example.com", PING, "Origin", "http://evil.example.com", "Content-Type", "application/json")) {
            assertTrue(status(socket).startsWith("HTTP/1.1 403"));
        }
    }

    @Test
    void healthz_answersGetWithoutToken() throws Exception {
        http = new HttpFixture(TOKEN, List.of(), HttpFixture.limits(16, java.time.Duration.ofMinutes(5)));
        var client = java.net.http.HttpClient.newBuilder().proxy(java.net.http.HttpClient.Builder.NO_PROXY).build();
        var health = client.send(java.net.http.HttpRequest.newBuilder(http.uri.resolve("/healthz")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\",\"sessions\":0}", health.body());
        var other = client.send(java.net.http.HttpRequest.newBuilder(http.uri.resolve("/other")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
        assertTrue(other.body().contains("the MCP endpoint is /mcp"), other.body());
    }

    @Test
    void start_wideAddressWithoutToken_isRefused() {
        var server = new hearth.mcp.McpServer(List.of(), List.of(), List.of());
        try {
            for (String host : List.of("0.0.0.0", "::")) {
                var e = assertThrows(IllegalArgumentException.class, () -> new HttpTransport(server, host, 0, null, List.of(), HttpTransport.Limits.DEFAULT));
                assertTrue(e.getMessage().contains("without a bearer token") && e.getMessage().contains("--auth"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> new HttpTransport(server, host, 0, "", List.of(), HttpTransport.Limits.DEFAULT));
            }
        } finally {
            server.close();
        }
    }

    @Test
    void start_portInUse_isBindException() throws Exception {
        var server = new hearth.mcp.McpServer(List.of(), List.of(), List.of());
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThrows(BindException.class, () -> new HttpTransport(server, "127.0.0.1", taken.getLocalPort(), null, List.of(), HttpTransport.Limits.DEFAULT));
        } finally {
            server.close();
        }
    }

    private void assertAuth(int status, String authorization) throws Exception {
        assertEquals(status, http.post(PING, "Authorization", authorization).status(), "Authorization: " + authorization);
    }

    private void assertOrigin(int status, String origin) throws Exception {
        var reply = origin == null ? http.post(PING) : http.post(PING, "Origin", origin);
        assertEquals(status, reply.status(), "Origin: " + origin + " → " + reply.body());
    }

    private void assertHost(int status, String host) throws Exception {
        try (var socket = http.raw("POST", host, PING, "Content-Type", "application/json", "Accept", HttpFixture.ACCEPT_BOTH)) {
            String line = status(socket);
            assertTrue(line.startsWith("HTTP/1.1 " + status), "Host: " + host + " → " + line);
        }
    }

    private static String status(java.net.Socket socket) throws Exception {
        String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return all.lines().findFirst().orElse("");
    }
}
