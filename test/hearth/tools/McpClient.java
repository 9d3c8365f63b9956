package hearth.tools;

import hearth.json.Json;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Session;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

// Test helper: drives an McpServer as a client would (initialize, tools/call with a progressToken,
// notifications/cancelled) and collects everything it sends back, in order, with the time it came.
final class McpClient {
    record Message(Map<String, Object> json, long nanos) {}

    final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    final McpServer server;
    final Session session = new Session();

    McpClient(McpServer server) {
        this.server = server;
        send(Rpc.request(0L, "initialize", Json.obj("protocolVersion", "2025-11-25", "capabilities", Json.obj())));
        next();
    }

    void send(Map<String, Object> message) {
        server.accept(message, session, m -> received.add(new Message(m, System.nanoTime())));
    }

    void call(long id, String tool, Map<String, Object> arguments, Object progressToken) {
        var params = Json.obj("name", tool, "arguments", arguments);
        if (progressToken != null) params.put("_meta", Json.obj("progressToken", progressToken));
        send(Rpc.request(id, "tools/call", params));
    }

    void cancel(long id) {
        send(Rpc.notification("notifications/cancelled", Json.obj("requestId", id, "reason", "test")));
    }

    Message next() {
        try {
            Message m = received.poll(20, TimeUnit.SECONDS);
            if (m == null) throw new AssertionError("nothing came back within 20 s");
            return m;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
