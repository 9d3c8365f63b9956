package hearth.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import hearth.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

// Test helper: a real HttpServer on loopback port 0 that answers "METHOD /path" with canned
// replies (JSON, SSE or NDJSON, as the backend's documentation shows) and records every request.
// Unrouted paths answer 404 like most servers. `hold` releases handlers that stall on purpose.
public final class FakeBackend implements AutoCloseable {
    public record Request(String method, String path, String body, String authorization) {
        public Map<String, Object> json() {
            return Json.parseObject(body);
        }
    }

    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    public static final String BODY = "fake-backend.body";   // exchange attribute: the request body as text

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public final CountDownLatch hold = new CountDownLatch(1);
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final HttpServer server;

    public FakeBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-backend");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body,
                        exchange.getRequestHeaders().getFirst("Authorization")));
                exchange.setAttribute(BODY, body);   // handlers that answer by what was asked read it here
                Handler h = routes.get(key);
                if (h == null) send(exchange, 404, "application/json", "{\"error\":\"not found\"}");
                else h.handle(exchange);
            } catch (Exception e) {
                // the client hung up (a timeout or cancel under test): nothing to answer
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public FakeBackend on(String methodPath, Handler handler) {
        routes.put(methodPath, handler);
        return this;
    }

    public FakeBackend json(String methodPath, int status, String body) {
        return on(methodPath, ex -> send(ex, status, "application/json", body));
    }

    /** Server-sent events: each string is one `data:` payload (or a full "event: x\ndata: y" block), flushed as it goes. */
    public FakeBackend sse(String methodPath, String... events) {
        return on(methodPath, ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(((e.startsWith("event:") || e.startsWith("data:") ? e : "data: " + e) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        });
    }

    /** Newline-delimited JSON, one object a line (Ollama's streaming). */
    public FakeBackend ndjson(String methodPath, String... lines) {
        return on(methodPath, ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            ex.sendResponseHeaders(200, 0);
            for (String line : lines) {
                ex.getResponseBody().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
            }
        });
    }

    public Request last(String path) {
        for (int i = requests.size() - 1; i >= 0; i--) if (requests.get(i).path().equals(path)) return requests.get(i);
        throw new AssertionError("no request to " + path + "; saw " + requests.stream().map(Request::path).toList());
    }

    /** Blocks a handler until the test ends (close) or 10 s pass: a backend that stalls. */
    public void stall() throws InterruptedException {
        hold.await(10, TimeUnit.SECONDS);
    }

    public static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        hold.countDown();
        server.stop(0);
    }
}
