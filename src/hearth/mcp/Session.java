package hearth.mcp;

import hearth.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

// What one legacy-era connection negotiated (a stdio process, or one HTTP Mcp-Session-Id): the
// protocol version, the client's capabilities, the log level, the requests in flight, and the
// server-to-client requests (roots/list) awaiting an answer. Modern-era requests need none of it.
public final class Session {
    private static final long ROOTS_TIMEOUT_SECONDS = 10;   // a client that never answers roots/list must not hang a tool

    volatile String protocolVersion;          // null until initialize
    volatile boolean initialized;
    volatile Map<String, Object> clientCapabilities = Map.of();
    volatile Map<String, Object> clientInfo = Map.of();
    volatile String logLevel = "info";
    final Map<Object, Call> inflight = new ConcurrentHashMap<>();
    private final Map<Object, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private volatile List<String> roots;      // cached until notifications/roots/list_changed

    public String protocolVersion() {
        return protocolVersion;
    }

    /** Cancels everything in flight: the connection is gone. */
    public void close() {
        inflight.values().forEach(Call::cancel);
        pending.values().forEach(f -> f.cancel(true));
    }

    List<String> roots(Consumer<Map<String, Object>> out) throws InterruptedException {
        if (!(clientCapabilities.get("roots") instanceof Map)) return List.of();
        List<String> cached = roots;
        if (cached != null) return cached;
        String id = "hearth-" + nextRequestId.getAndIncrement();
        var future = new CompletableFuture<Map<String, Object>>();
        pending.put(id, future);
        try {
            out.accept(Rpc.request(id, Rpc.ROOTS_LIST, Json.obj()));
            Map<String, Object> reply = future.get(ROOTS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            var uris = new ArrayList<String>();
            if (reply.get("result") instanceof Map<?, ?> result && result.get("roots") instanceof List<?> list) {
                for (Object root : list) if (root instanceof Map<?, ?> r && r.get("uri") instanceof String uri) uris.add(uri);
            } else {
                throw new ToolException("the client answered roots/list with an error: " + Json.write(reply.get("error")));
            }
            roots = List.copyOf(uris);
            return roots;
        } catch (ExecutionException | TimeoutException e) {
            throw new ToolException("the client did not answer roots/list within " + ROOTS_TIMEOUT_SECONDS + " s");
        } finally {
            pending.remove(id);
        }
    }

    void rootsChanged() {
        roots = null;
    }

    /** A response from the client to one of our requests; unknown ids are ignored. */
    void complete(Object id, Map<String, Object> response) {
        var future = pending.get(id);
        if (future != null) future.complete(response);
    }
}
