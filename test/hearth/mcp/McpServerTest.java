package hearth.mcp;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class McpServerTest {
    private final CountDownLatch blockStarted = new CountDownLatch(1);
    private final CountDownLatch blockInterrupted = new CountDownLatch(1);
    private final CountDownLatch commitStarted = new CountDownLatch(1);
    private final CountDownLatch commitGo = new CountDownLatch(1);
    private final BlockingQueue<Boolean> commitResult = new LinkedBlockingQueue<>();
    private volatile boolean commitFirst;              // the commit tool commits before it waits, not after
    private final LinkedBlockingQueue<Map<String, Object>> out = new LinkedBlockingQueue<>();
    private final Session session = new Session();
    private final McpServer server = new McpServer(tools(), List.of(), List.of(
            Resource.fixed("test://a", "a", null, "resource a", "text/plain", () -> "A")));

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void initialize_knownVersion_isEchoed() throws Exception {
        for (String v : List.of("2025-03-26", "2025-06-18", "2025-11-25", "2024-11-05")) {
            var s = new Session();
            server.accept(req(1, "initialize", Json.obj("protocolVersion", v, "capabilities", Json.obj())), s, out::add);
            assertEquals(v, result(take()).get("protocolVersion"));
        }
    }

    @Test
    void initialize_unknownVersion_getsOurLatest() throws Exception {
        initialize("1999-01-01");
        var result = result(take());
        assertEquals("2025-11-25", result.get("protocolVersion"));
        assertEquals("hearth", ((Map<?, ?>) result.get("serverInfo")).get("name"));
    }

    @Test
    void initialize_twice_isInvalidRequest() throws Exception {
        initialize("2025-11-25");
        take();
        initialize("2025-11-25");
        assertEquals(-32600L, errorCode(take()));
    }

    @Test
    void onInitialized_runsOnceWhenTheFirstClientIsInitialized() throws Exception {
        int[] runs = {0};
        server.onInitialized(() -> runs[0]++);
        initialize("2025-11-25");
        take();
        assertEquals(0, runs[0], "not on the initialize request: the client has not said it is ready");
        server.accept(Rpc.notification(Rpc.INITIALIZED, Json.obj()), session, out::add);
        assertEquals(1, runs[0]);
        var other = new Session();                     // a second client, as over HTTP
        server.accept(req(1, "initialize", Json.obj("protocolVersion", "2025-11-25", "capabilities", Json.obj())), other, out::add);
        take();
        server.accept(Rpc.notification(Rpc.INITIALIZED, Json.obj()), other, out::add);
        assertEquals(1, runs[0], "once per server");
        assertNull(out.poll(), "a notification gets no answer");
    }

    @Test
    void request_beforeInitialize_saysHowToStart() throws Exception {
        server.accept(req(1, "tools/list", Json.obj()), session, out::add);
        var error = take();
        assertEquals(-32602L, errorCode(error));
        assertTrue(Json.write(error).contains("send initialize first"));
    }

    @Test
    void invalidMessages_getJsonRpcErrors() throws Exception {
        server.accept(List.of(1, 2), session, out::add);
        assertEquals(-32600L, errorCode(take()));
        server.accept(Json.obj("jsonrpc", "1.0", "id", 1L, "method", "ping"), session, out::add);
        assertEquals(-32600L, errorCode(take()));
        server.accept(Json.obj("jsonrpc", "2.0", "id", true, "method", "ping"), session, out::add);
        assertEquals(-32600L, errorCode(take()));
        server.accept(Json.obj("jsonrpc", "2.0", "id", 3L, "method", "ping", "params", List.of()), session, out::add);
        assertEquals(-32602L, errorCode(take()));
        initialize("2025-11-25");
        take();
        server.accept(req(4, "no/such", Json.obj()), session, out::add);
        var e = take();
        assertEquals(-32601L, errorCode(e));
        assertEquals("Unknown method: no/such", ((Map<?, ?>) e.get("error")).get("message"));
    }

    @Test
    void toolsCall_badArgument_isErrorResultNamingIt() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "tools/call", Json.obj("name", "echo", "arguments", Json.obj("text", 5L))), session, out::add);
        var result = result(take());
        assertEquals(true, result.get("isError"));
        assertEquals("argument 'text' must be a string, got 5", text(result));
        server.accept(req(3, "tools/call", Json.obj("name", "echo", "arguments", Json.obj("txt", "a"))), session, out::add);
        assertEquals("unknown argument 'txt'; expected one of: text", text(result(take())));
        server.accept(req(4, "tools/call", Json.obj("name", "echo", "arguments", "x")), session, out::add);
        assertEquals(-32602L, errorCode(take()));
    }

    @Test
    void toolsCall_bug_isInternalErrorAndServerKeepsServing() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "tools/call", Json.obj("name", "boom")), session, out::add);
        assertEquals(-32603L, errorCode(take()));
        server.accept(req(3, "ping", Json.obj()), session, out::add);
        assertEquals(Map.of(), result(take()));
    }

    @Test
    void cancelled_stopsTheHandlerAndSendsNoResponse() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(7, "tools/call", Json.obj("name", "block")), session, out::add);
        assertTrue(blockStarted.await(5, TimeUnit.SECONDS));
        cancel(7);
        assertTrue(blockInterrupted.await(5, TimeUnit.SECONDS), "the handler was not interrupted");
        server.accept(req(8, "ping", Json.obj()), session, out::add);
        var next = take();
        assertEquals(8L, next.get("id"), "a cancelled request must get no response, got " + next);
    }

    @Test
    void cancel_beforeCommit_makesCommitFalseAndSendsNoResponse() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(7, "tools/call", Json.obj("name", "commit")), session, out::add);
        assertTrue(commitStarted.await(5, TimeUnit.SECONDS));
        cancel(7);
        commitGo.countDown();                            // the "model" has answered; the handler now asks to commit
        assertEquals(Boolean.FALSE, commitResult.poll(5, TimeUnit.SECONDS));
        server.accept(req(8, "ping", Json.obj()), session, out::add);
        assertEquals(8L, take().get("id"), "a request cancelled before its commit must get no response");
    }

    @Test
    void cancel_afterCommit_isIgnoredAndTheResponseGoesOut() throws Exception {
        initialize("2025-11-25");
        take();
        commitFirst = true;
        server.accept(req(7, "tools/call", Json.obj("name", "commit")), session, out::add);
        assertTrue(commitStarted.await(5, TimeUnit.SECONDS));
        assertEquals(Boolean.TRUE, commitResult.poll(5, TimeUnit.SECONDS));
        cancel(7);
        commitGo.countDown();
        var response = take();
        assertEquals(7L, response.get("id"), "a request cancelled after its commit must still answer, got " + response);
        assertEquals("committed", ((Map<?, ?>) ((List<?>) result(response).get("content")).get(0)).get("text"));
    }

    @Test
    void progress_isSentOnlyRisingAndOnlyWithAToken() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "tools/call", Json.obj("name", "progress", "_meta", Json.obj("progressToken", "tok"))), session, out::add);
        var seen = new ArrayList<Object>();
        Map<String, Object> m;
        while (!(m = take()).containsKey("result")) seen.add(((Map<?, ?>) m.get("params")).get("progress"));
        assertEquals(List.of(1.0, 2.0, 3.0), seen);
        server.accept(req(3, "tools/call", Json.obj("name", "progress")), session, out::add);
        assertTrue(take().containsKey("result"), "no progress without a progressToken");
    }

    @Test
    void list_withBadCursor_isInvalidParams() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "tools/list", Json.obj("cursor", "bogus")), session, out::add);
        assertEquals(-32602L, errorCode(take()));
        server.accept(req(3, "tools/list", Json.obj()), session, out::add);
        var result = result(take());
        assertEquals(5, ((List<?>) result.get("tools")).size());
        assertFalse(result.containsKey("nextCursor"));
    }

    @Test
    void modernEra_validatesMetaAndCompletesResults() throws Exception {
        var meta = Json.obj("io.modelcontextprotocol/protocolVersion", "2026-07-28", "io.modelcontextprotocol/clientCapabilities", Json.obj());
        server.accept(req(1, "tools/list", Json.obj("_meta", meta)), session, out::add);
        var result = result(take());
        assertEquals("complete", result.get("resultType"));
        assertEquals(60000L, result.get("ttlMs"));
        assertEquals("public", result.get("cacheScope"));
        assertTrue(((Map<?, ?>) result.get("_meta")).containsKey("io.modelcontextprotocol/serverInfo"));

        server.accept(req(2, "server/discover", Json.obj("_meta", Json.obj("io.modelcontextprotocol/protocolVersion", "2030-01-01",
                "io.modelcontextprotocol/clientCapabilities", Json.obj()))), session, out::add);
        var error = (Map<?, ?>) take().get("error");
        assertEquals(-32022L, error.get("code"));
        assertEquals(List.of("2026-07-28"), ((Map<?, ?>) error.get("data")).get("supported"));
        assertEquals("2030-01-01", ((Map<?, ?>) error.get("data")).get("requested"));

        server.accept(req(3, "tools/list", Json.obj("_meta", Json.obj("io.modelcontextprotocol/protocolVersion", "2026-07-28"))), session, out::add);
        assertEquals(-32602L, errorCode(take()));
        server.accept(req(4, "ping", Json.obj("_meta", meta)), session, out::add);
        assertEquals(-32601L, errorCode(take()), "ping is gone in 2026-07-28");
        server.accept(req(5, "resources/read", Json.obj("uri", "test://nope", "_meta", meta)), session, out::add);
        assertEquals(-32602L, errorCode(take()));
        server.accept(req(6, "resources/read", Json.obj("uri", "test://a", "_meta", meta)), session, out::add);
        assertEquals(60000L, result(take()).get("ttlMs"));
    }

    @Test
    void legacyResourceNotFound_isMinus32002() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "resources/read", Json.obj("uri", "test://nope")), session, out::add);
        assertEquals(-32002L, errorCode(take()));
        server.accept(req(3, "resources/read", Json.obj("uri", "test://a")), session, out::add);
        assertEquals("A", ((Map<?, ?>) ((List<?>) result(take()).get("contents")).get(0)).get("text"));
    }

    @Test
    void requests_runConcurrently() throws Exception {
        initialize("2025-11-25");
        take();
        server.accept(req(2, "tools/call", Json.obj("name", "block")), session, out::add);
        assertTrue(blockStarted.await(5, TimeUnit.SECONDS));
        server.accept(req(3, "ping", Json.obj()), session, out::add);
        assertEquals(3L, take().get("id"), "a ping must not wait behind a running tool");
        session.close();
        assertTrue(blockInterrupted.await(5, TimeUnit.SECONDS));
    }

    private List<Tool> tools() {
        return List.of(
                new Tool("echo", null, "echo the text", """
                        {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
                        """, null, null, (args, call) -> ToolResult.text(args.string("text"))),
                new Tool("boom", null, "always a bug", "{\"type\": \"object\"}", null, null, (args, call) -> {
                    throw new IllegalStateException("bug");
                }),
                new Tool("block", null, "wait until cancelled", "{\"type\": \"object\"}", null, null, (args, call) -> {
                    blockStarted.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        blockInterrupted.countDown();
                        throw e;
                    }
                    return ToolResult.text("never");
                }),
                new Tool("commit", null, "commit before or after a cancel", "{\"type\": \"object\"}", null, null, (args, call) -> {
                    if (commitFirst) commitResult.add(call.commit());
                    commitStarted.countDown();
                    boolean interrupted = false;
                    while (true) {                        // an answer that has arrived: a cancel no longer stops it
                        try {
                            commitGo.await();
                            break;
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    if (!commitFirst) commitResult.add(call.commit());
                    if (interrupted) Thread.currentThread().interrupt();
                    return ToolResult.text("committed");
                }),
                new Tool("progress", null, "send progress", "{\"type\": \"object\"}", null, null, (args, call) -> {
                    call.progress(1, 3.0, "one");
                    call.progress(1, 3.0, "again: dropped");
                    call.progress(2, 3.0, null);
                    call.progress(0.5, 3.0, "backwards: dropped");
                    call.progress(3, 3.0, "done");
                    return ToolResult.text("ok");
                }));
    }

    private void initialize(String version) {
        server.accept(req(1, "initialize", Json.obj("protocolVersion", version, "capabilities", Json.obj())), session, out::add);
    }

    private static Map<String, Object> req(long id, String method, Map<String, Object> params) {
        return Rpc.request(id, method, params);
    }

    /** The client cancels request id (notifications/cancelled). */
    private void cancel(long id) {
        server.accept(Json.obj("jsonrpc", "2.0", "method", "notifications/cancelled", "params", Json.obj("requestId", id)), session, out::add);
    }

    private Map<String, Object> take() throws InterruptedException {
        var m = out.poll(5, TimeUnit.SECONDS);
        assertNotNull(m, "no message within 5 s");
        return m;
    }

    private static Map<?, ?> result(Map<String, Object> response) {
        assertTrue(response.containsKey("result"), "expected a result, got " + Json.write(response));
        return (Map<?, ?>) response.get("result");
    }

    private static Object errorCode(Map<String, Object> response) {
        assertTrue(response.containsKey("error"), "expected an error, got " + Json.write(response));
        return ((Map<?, ?>) response.get("error")).get("code");
    }

    private static String text(Map<?, ?> result) {
        return (String) ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text");
    }
}
