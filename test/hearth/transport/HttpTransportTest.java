package hearth.transport;

import static hearth.transport.HttpFixture.request;
import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Streamable HTTP over real loopback sockets: the status-code matrix of PROTOCOL.md §4.1 and §4.2,
// the session lifecycle, JSON versus SSE answers, progress on the POST's stream, the GET stream,
// cancellation in both eras, and the session and body limits.
class HttpTransportTest {
    private static final String TOOLS_LIST = request(2, "tools/list", "{}");
    private HttpFixture http;

    @AfterEach
    void stop() {
        if (http != null) http.close();
    }

    @Test
    void post_statusMatrix_asTheReferenceServer() throws Exception {
        http = new HttpFixture();
        String sid = http.initialize();
        String json = "application/json";
        assertEquals(406, http.send("POST", TOOLS_LIST, "Content-Type", json, "Accept", json, "Mcp-Session-Id", sid).status());
        assertEquals(406, http.send("POST", TOOLS_LIST, "Content-Type", json, "Mcp-Session-Id", sid).status());
        assertEquals(415, http.send("POST", TOOLS_LIST, "Content-Type", "text/plain", "Accept", HttpFixture.ACCEPT_BOTH, "Mcp-Session-Id", sid).status());
        assertEquals(200, http.send("POST", TOOLS_LIST, "Content-Type", "application/json; charset=utf-8", "Accept", "*/*", "Mcp-Session-Id", sid).status());
        var parse = http.post("{\"jsonrpc\":", "Mcp-Session-Id", sid);
        assertEquals(400, parse.status());
        assertEquals(-32700, parse.errorCode());
        assertEquals(-32600, http.post("[" + TOOLS_LIST + "]", "Mcp-Session-Id", sid).errorCode());
        var noSession = http.post(TOOLS_LIST);
        assertEquals(400, noSession.status());
        assertTrue(noSession.body().contains("Mcp-Session-Id header is required"), noSession.body());
        var unknown = http.post(TOOLS_LIST, "Mcp-Session-Id", "no-such-session");
        assertEquals(404, unknown.status());
        assertEquals(-32001, unknown.errorCode());
        var badVersion = http.post(TOOLS_LIST, "Mcp-Session-Id", sid, "MCP-Protocol-Version", "1999-01-01");
        assertEquals(400, badVersion.status());
        assertTrue(badVersion.body().contains("Unsupported protocol version: 1999-01-01"), badVersion.body());
        // any supported version is accepted (conformance server-sse-multiple-streams sends 2025-03-26), and none means 2025-03-26
        assertEquals(200, http.post(TOOLS_LIST, "Mcp-Session-Id", sid, "MCP-Protocol-Version", "2025-03-26").status());
        assertEquals(200, http.post(TOOLS_LIST, "Mcp-Session-Id", sid).status());
        var again = http.post(request(3, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}"), "Mcp-Session-Id", sid);
        assertEquals(400, again.status());
        assertEquals(-32600, again.errorCode());
        assertEquals(202, http.inSession(sid, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}").status());
        assertEquals(202, http.inSession(sid, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}").status());   // a client response
        assertEquals(405, http.send("PUT", TOOLS_LIST, "Mcp-Session-Id", sid).status());
        assertEquals(413, http.post("{\"pad\":\"" + "x".repeat(70_000) + "\"}", "Mcp-Session-Id", sid).status());
    }

    @Test
    void session_lifecycle_initUseDeleteThen404() throws Exception {
        http = new HttpFixture();
        String sid = http.initialize();
        assertTrue(sid.matches("[\\x21-\\x7E]{32,}"), "session id: visible ASCII, 192 random bits: " + sid);
        assertNotEquals(sid, http.initialize());
        var list = http.inSession(sid, TOOLS_LIST);
        assertEquals(200, list.status());
        assertEquals("application/json", list.header("Content-Type"));
        assertEquals(sid, list.header("Mcp-Session-Id"));
        assertTrue(list.body().contains("\"steps\""), list.body());
        assertEquals(200, http.send("DELETE", null, "Mcp-Session-Id", sid).status());
        assertEquals(404, http.inSession(sid, TOOLS_LIST).status());
        assertEquals(404, http.send("DELETE", null, "Mcp-Session-Id", sid).status());
        assertEquals(400, http.send("DELETE", null).status());
    }

    @Test
    void initialize_failing_mintsNoSession() throws Exception {
        http = new HttpFixture();
        var reply = http.post(request(1, "initialize", "{}"));
        assertEquals(400, reply.status());
        assertNull(reply.header("Mcp-Session-Id"));
        assertEquals(0, healthSessions());
    }

    @Test
    void toolCall_withProgressToken_streamsProgressThenResultOverSse() throws Exception {
        http = new HttpFixture();
        String sid = http.initialize();
        var reply = http.inSession(sid, request(5, "tools/call", "{\"name\":\"steps\",\"arguments\":{},\"_meta\":{\"progressToken\":\"tok\"}}"));
        assertEquals(200, reply.status());
        assertEquals("text/event-stream", reply.header("Content-Type"));
        assertEquals("no", reply.header("X-Accel-Buffering"));
        assertEquals(sid, reply.header("Mcp-Session-Id"));
        var events = reply.body().split("\n\n");
        assertTrue(events[0].matches("id: \\S+\ndata: "), "priming event first (2025-11-25): " + events[0]);
        var data = reply.body().lines().filter(l -> l.startsWith("data: {")).toList();
        assertEquals(4, data.size(), reply.body());
        for (int i = 0; i < 3; i++) {
            assertTrue(data.get(i).contains("\"method\":\"notifications/progress\"") && data.get(i).contains("\"progress\":" + (i + 1)), data.get(i));
            assertTrue(data.get(i).contains("\"progressToken\":\"tok\""), data.get(i));
        }
        assertTrue(data.get(3).contains("\"id\":5") && data.get(3).contains("\"text\":\"done\""), data.get(3));
        assertEquals(5L, reply.json().get("id"));
    }

    @Test
    void toolCall_withoutProgressToken_answersJson() throws Exception {
        http = new HttpFixture();
        var reply = http.inSession(http.initialize(), request(5, "tools/call", "{\"name\":\"steps\",\"arguments\":{}}"));
        assertEquals("application/json", reply.header("Content-Type"));
        assertTrue(reply.body().contains("\"text\":\"done\""), reply.body());
    }

    @Test
    void legacyCancel_notificationsCancelled_stopsTheToolAndEndsItsStream() throws Exception {
        http = new HttpFixture();
        String sid = http.initialize();
        var client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        var pending = client.sendAsync(HttpRequest.newBuilder(http.uri).timeout(Duration.ofSeconds(10))
                .headers("Content-Type", "application/json", "Accept", HttpFixture.ACCEPT_BOTH, "Mcp-Session-Id", sid)
                .POST(HttpRequest.BodyPublishers.ofString(request(9, "tools/call", "{\"name\":\"block\",\"arguments\":{}}"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(http.blockStarted.await(5, TimeUnit.SECONDS));
        assertEquals(202, http.inSession(sid, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}").status());
        assertTrue(http.blockCancelled.await(5, TimeUnit.SECONDS), "the tool was not cancelled");
        var response = pending.get(5, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains("\"result\""), "a cancelled request is not answered: " + response.body());
    }

    @Test
    void modernCancel_closingTheSseStream_cancelsTheRequest() throws Exception {
        http = new HttpFixture();
        String params = "{\"name\":\"block\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{},\"progressToken\":1}}";
        try (var socket = http.raw("POST", "127.0.0.1:" + http.uri.getPort(), request(4, "tools/call", params), "Content-Type", "application/json",
                "Accept", HttpFixture.ACCEPT_BOTH, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "block")) {
            String head = HttpFixture.readUntil(socket.getInputStream(), "notifications/progress");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-type: text/event-stream"), head);
        }
        assertTrue(http.blockCancelled.await(5, TimeUnit.SECONDS), "closing the stream did not cancel the request");
    }

    @Test
    void getStream_onePerSession_secondIs409_endsWithTheSession() throws Exception {
        http = new HttpFixture();
        String sid = http.initialize();
        assertEquals(406, http.send("GET", null, "Accept", "application/json", "Mcp-Session-Id", sid).status());
        assertEquals(400, http.send("GET", null, "Accept", "text/event-stream").status());
        assertEquals(404, http.send("GET", null, "Accept", "text/event-stream", "Mcp-Session-Id", "gone").status());
        try (var socket = http.raw("GET", "localhost:" + http.uri.getPort(), null, "Accept", "text/event-stream", "Mcp-Session-Id", sid)) {
            String head = HttpFixture.readUntil(socket.getInputStream(), ": keep-alive");
            assertTrue(head.startsWith("HTTP/1.1 200") && head.contains("data: "), head);
            assertEquals(409, http.send("GET", null, "Accept", "text/event-stream", "Mcp-Session-Id", sid).status());
            assertEquals(200, http.send("DELETE", null, "Mcp-Session-Id", sid).status());
            String rest = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(rest.endsWith("0\r\n\r\n"), "the stream ends with the session: " + rest);
        }
    }

    @Test
    void modernEra_statusesAndHeaders() throws Exception {
        http = new HttpFixture();
        var discover = http.modern(1, "server/discover", null, "{}");
        assertEquals(200, discover.status());
        assertNull(discover.header("Mcp-Session-Id"), "the stateless era never mints a session");
        assertTrue(((List<?>) ((Map<?, ?>) discover.json().get("result")).get("supportedVersions")).contains("2026-07-28"));
        var call = http.modern(2, "tools/call", "steps", "{\"name\":\"steps\",\"arguments\":{}}");
        assertEquals(200, call.status(), call.body());
        assertEquals(200, http.modern(3, "tools/call", "=?base64?c3RlcHM=?=", "{\"name\":\"steps\",\"arguments\":{}}").status());
        assertModernError(404, -32601, http.modern(4, "no/such", null, "{}"));
        assertModernError(404, -32601, http.modern(5, "initialize", null, "{}"));
        assertModernError(400, -32020, http.modern(6, "tools/call", "other", "{\"name\":\"steps\",\"arguments\":{}}"));
        assertModernError(400, -32020, http.modern(7, "tools/call", null, "{\"name\":\"steps\",\"arguments\":{}}"));
        String body = request(8, "tools/list", HttpFixture.modernParams("{}"));
        assertModernError(400, -32020, http.post(body, "MCP-Protocol-Version", "2026-07-28"));                          // no Mcp-Method
        assertModernError(400, -32020, http.post(body, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "TOOLS/LIST"));
        assertEquals(200, http.post(body, "MCP-Protocol-Version", "2026-07-28", "mcp-method", "  tools/list ").status());
        assertModernError(400, -32020, http.post(body, "MCP-Protocol-Version", "2025-11-25", "Mcp-Method", "tools/list"));
        String v999 = body.replace("\"2026-07-28\"", "\"v999\"");
        assertModernError(400, -32022, http.post(v999, "MCP-Protocol-Version", "v999", "Mcp-Method", "tools/list"));
        String noCaps = request(9, "server/discover", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}");
        assertModernError(400, -32602, http.post(noCaps, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "server/discover"));
        assertEquals(405, http.send("GET", null, "Accept", "text/event-stream", "MCP-Protocol-Version", "2026-07-28").status());
        assertEquals(405, http.send("DELETE", null, "MCP-Protocol-Version", "2026-07-28").status());
        assertEquals(202, http.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}",
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "notifications/cancelled").status());
    }

    @Test
    void sessions_capped_503() throws Exception {
        http = new HttpFixture(null, List.of(), HttpFixture.limits(2, Duration.ofMinutes(5)));
        http.initialize();
        http.initialize();
        var third = http.post(request(1, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}"));
        assertEquals(503, third.status());
        assertTrue(third.body().contains("2 sessions are open"), third.body());
    }

    @Test
    void sessions_idle_expireAnd404() throws Exception {
        http = new HttpFixture(null, List.of(), HttpFixture.limits(1, Duration.ZERO));
        String init = request(1, "initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}");
        String first = http.post(init).header("Mcp-Session-Id");
        assertEquals(404, http.inSession(first, TOOLS_LIST).status(), "an idle session ends");
        assertEquals(200, http.post(init).status());
        assertEquals(200, http.post(init).status(), "the cap is 1: room is made by ending the idle session");
    }

    private int healthSessions() throws Exception {
        var client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        String body = client.send(HttpRequest.newBuilder(http.uri.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return ((Long) hearth.json.Json.parseObject(body).get("sessions")).intValue();
    }

    private static void assertModernError(int status, long code, HttpFixture.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(code, reply.errorCode(), reply.body());
        assertNotNull(reply.json().get("id"), "errors carry the request id: " + reply.body());
    }
}
