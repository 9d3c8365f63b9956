package hearth.transport;

import static hearth.transport.HttpWire.SERVER_ERROR;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import hearth.config.Config;
import hearth.json.Json;
import hearth.json.JsonException;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

// MCP Streamable HTTP (PROTOCOL.md §4) on the JDK's com.sun.net.httpserver: POST /mcp takes one
// message and answers 202, JSON, or an SSE stream when notifications come before the response; GET
// opens a session's listening stream; DELETE ends a session; GET /healthz is for supervisors. Both
// eras share the endpoint. Host, Origin and token are checked by HttpGuard before anything else.
public final class HttpTransport {
    public static final String ENDPOINT = "/mcp";
    static final String SESSION = "Mcp-Session-Id";
    private static final int SESSION_NOT_FOUND = -32001;   // TS SDK StreamableHTTPServerTransport
    private static final int MISSING_CLIENT_CAPABILITY = -32021;   // 2026-07-28; answered with 400 like -32020 and -32022

    /** The bounds of one server; DEFAULT takes them from Config. Tests shrink them to reach the edges fast. */
    public record Limits(int maxSessions, Duration sessionIdle, Duration keepAlive, int maxBodyBytes) {
        public static final Limits DEFAULT = new Limits(Config.MAX_HTTP_SESSIONS, Duration.ofMinutes(Config.HTTP_SESSION_IDLE_MINUTES),
                Duration.ofSeconds(Config.SSE_KEEPALIVE_SECONDS), Config.MAX_HTTP_BODY_BYTES);
    }

    /** How one request is answered: its era, the session id to return, whether SSE starts with a priming event. */
    private record Reply(boolean modern, String sessionId, boolean priming, boolean metaInvalid, boolean initialize) {}

    private final McpServer server;
    private final Limits limits;
    private final HttpGuard guard;
    private final HttpSessions sessions;
    private final HttpServer http;
    private final ThreadPoolExecutor threads;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * Binds host:port at once (port 0 picks a free one). A non-loopback address without a token is
     * an IllegalArgumentException; a taken port is a java.net.BindException.
     */
    public HttpTransport(McpServer server, String host, int port, String token, List<String> allowedOrigins, Limits limits) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && (token == null || token.isEmpty())) {
            throw new IllegalArgumentException("refusing to listen on " + host + " (not a loopback address) without a bearer token: "
                    + "anyone who can reach this machine could use its models. Set --auth TOKEN or HEARTH_AUTH_TOKEN, or use --host 127.0.0.1");
        }
        this.server = server;
        this.limits = limits;
        this.guard = new HttpGuard(address, host, token, allowedOrigins);
        this.sessions = new HttpSessions(limits.maxSessions(), limits.sessionIdle());
        // jdk.httpserver module docs: TCP_NODELAY on accepted connections. Without it the body, written after
        // the headers, waits for the client's delayed ACK: ~40 ms per request. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.http = HttpServer.create(new InetSocketAddress(address, port), 0);
        // SSE streams hold a thread each; past the cap a new exchange's connection is closed rather than queued behind them
        this.threads = new ThreadPoolExecutor(0, Config.MAX_HTTP_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            var t = new Thread(r, "hearth-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.createContext("/", this::handle);
    }

    public void start() {
        http.start();
    }

    /** The endpoint's URL, with the port actually bound. */
    public URI uri() {
        InetSocketAddress bound = http.getAddress();
        String host = bound.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + ENDPOINT);
    }

    /** Ends every session (cancelling their calls), closes the listener, and releases await(). */
    public void stop() {
        sessions.endAll();
        http.stop(0);
        threads.shutdownNow();
        stopped.countDown();
    }

    public void await() throws InterruptedException {
        stopped.await();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            route(ex);
        } catch (IOException e) {
            // the client went away mid-answer; nothing is left to tell it
        } catch (RuntimeException e) {
            System.err.println("hearth: internal error answering " + ex.getRequestMethod() + " " + ex.getRequestURI() + ":");
            e.printStackTrace();
            if (ex.getResponseCode() == -1) HttpWire.error(ex, 500, SERVER_ERROR, null, "Internal error: " + e);
        }
    }

    private void route(HttpExchange ex) throws IOException {
        var headers = ex.getRequestHeaders();
        String refusal = guard.refusal(headers);
        if (refusal != null) { HttpWire.error(ex, 403, SERVER_ERROR, null, refusal); return; }
        String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
        if (path.equals("/healthz")) {
            if (method.equals("GET")) HttpWire.json(ex, 200, Json.obj("status", "ok", "sessions", (long) sessions.size()));
            else HttpWire.methodNotAllowed(ex, "GET", "/healthz answers GET only");
            return;
        }
        if (!path.equals(ENDPOINT)) { HttpWire.error(ex, 404, SERVER_ERROR, null, "Not found: " + path + " (the MCP endpoint is " + ENDPOINT + ")"); return; }
        String origin = guard.allowedOrigin(headers);
        if (origin != null) {   // CORS, for browser clients on an allowed origin
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            ex.getResponseHeaders().set("Access-Control-Expose-Headers", SESSION + ", WWW-Authenticate");
            ex.getResponseHeaders().set("Vary", "Origin");
        }
        if (method.equals("OPTIONS")) {
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, DELETE");
            ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, " + SESSION + ", "
                    + ModernHeaders.VERSION + ", " + ModernHeaders.METHOD + ", " + ModernHeaders.NAME + ", Last-Event-ID");
            ex.sendResponseHeaders(204, -1);
            return;
        }
        if (!guard.authorized(headers)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            HttpWire.error(ex, 401, SERVER_ERROR, null, "Unauthorized: send the header Authorization: Bearer <token> with the token hearth was started with (--auth or HEARTH_AUTH_TOKEN)");
            return;
        }
        switch (method) {
            case "POST" -> post(ex);
            case "GET" -> get(ex);
            case "DELETE" -> delete(ex);
            default -> HttpWire.methodNotAllowed(ex, "GET, POST, DELETE", method + " is not used by MCP");
        }
    }

    private void post(HttpExchange ex) throws IOException {
        var headers = ex.getRequestHeaders();
        if (!HttpWire.isJson(headers.getFirst("Content-Type"))) {
            HttpWire.error(ex, 415, SERVER_ERROR, null, "Unsupported Media Type: Content-Type must be application/json, got " + headers.getFirst("Content-Type"));
            return;
        }
        String accept = headers.getFirst("Accept");
        if (!HttpWire.accepts(accept, "application/json") || !HttpWire.accepts(accept, "text/event-stream")) {
            HttpWire.error(ex, 406, SERVER_ERROR, null, "Not Acceptable: Client must accept both application/json and text/event-stream (got Accept: " + accept + ")");
            return;
        }
        byte[] body = HttpWire.readBody(ex, limits.maxBodyBytes());
        if (body == null) {
            HttpWire.error(ex, 413, SERVER_ERROR, null, "Payload Too Large: a message may have at most " + limits.maxBodyBytes() + " bytes");
            return;
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (JsonException e) {
            HttpWire.error(ex, 400, Rpc.PARSE_ERROR, null, "Parse error: " + e.getMessage());
            return;
        }
        if (!(parsed instanceof Map<?, ?> raw)) {
            HttpWire.error(ex, 400, Rpc.INVALID_REQUEST, null, "Invalid request: expected one JSON-RPC object (batches were removed in MCP 2025-06-18)");
            return;
        }
        @SuppressWarnings("unchecked") var message = (Map<String, Object>) raw;
        Object method = message.get("method");
        boolean request = method instanceof String && message.containsKey("id");
        String version = ModernHeaders.trimmed(headers, ModernHeaders.VERSION);
        if (ModernHeaders.isModern(message, version)) {
            String mismatch = ModernHeaders.mismatch(message, headers);
            Object id = request && isId(message.get("id")) ? message.get("id") : null;
            if (mismatch != null) { HttpWire.error(ex, 400, Rpc.HEADER_MISMATCH, id, mismatch); return; }
            // stateless: a Session of its own per request, and Mcp-Session-Id is ignored (transports §4.2)
            answer(ex, message, request, new Session(), null, new Reply(true, null, false, !ModernHeaders.hasRequiredMeta(message), false));
            return;
        }
        String sessionId = headers.getFirst(SESSION);
        if (Rpc.INITIALIZE.equals(method) && request) {
            if (sessionId != null) {
                HttpWire.error(ex, 400, Rpc.INVALID_REQUEST, message.get("id"), "Invalid request: this session is already initialized; to start a new one, send initialize without " + SESSION);
                return;
            }
            HttpSessions.Entry entry = sessions.create();
            if (entry == null) {
                HttpWire.error(ex, 503, SERVER_ERROR, message.get("id"), "Service Unavailable: " + limits.maxSessions() + " sessions are open, the most allowed; end one with DELETE or wait for idle ones to expire");
                return;
            }
            Map<String, Object> last = null;
            try {
                last = answer(ex, message, true, entry.session, entry, new Reply(false, entry.id, false, false, true));
            } finally {
                entry.end();
                if (last == null || !last.containsKey("result")) sessions.end(entry.id);
            }
            return;
        }
        HttpSessions.Entry entry = session(ex, sessionId);
        if (entry == null) return;
        if (version != null && !Rpc.LEGACY_VERSIONS.contains(version)) {
            HttpWire.error(ex, 400, SERVER_ERROR, null, "Bad Request: Unsupported protocol version: " + version + " (supported versions: " + String.join(", ", Rpc.ALL_VERSIONS) + ")");
            return;
        }
        entry.begin();
        try {
            answer(ex, message, request, entry.session, entry, new Reply(false, entry.id, primes(entry), false, false));
            if (Rpc.CANCELLED.equals(method) && message.get("params") instanceof Map<?, ?> p) entry.cancelled(p.get("requestId"));
        } finally {
            entry.end();
        }
    }

    /**
     * Hands the message to the server and writes what comes back: 202 for a notification or response,
     * JSON when the final response comes first, else an SSE stream. Returns the final response, or
     * null when the client closed the stream first (for the modern era that cancels the request).
     */
    private Map<String, Object> answer(HttpExchange ex, Map<String, Object> message, boolean request, Session session,
                                       HttpSessions.Entry entry, Reply how) throws IOException {
        var queue = new LinkedBlockingQueue<Map<String, Object>>();
        Object id = message.get("id");
        boolean waiting = request && entry != null && isId(id) && entry.await(id, queue);
        try {
            server.accept(message, session, queue::add);
            return request ? stream(ex, queue, session, how) : accepted(ex, queue);
        } finally {
            if (waiting) entry.answered(id, queue);
        }
    }

    private static Map<String, Object> accepted(HttpExchange ex, LinkedBlockingQueue<Map<String, Object>> queue) throws IOException {
        Map<String, Object> error = queue.poll();   // an invalid message is answered at once, a valid one never
        if (error == null) ex.sendResponseHeaders(202, -1);
        else HttpWire.json(ex, 400, error);
        return null;
    }

    private Map<String, Object> stream(HttpExchange ex, LinkedBlockingQueue<Map<String, Object>> queue, Session session, Reply how) throws IOException {
        Map<String, Object> next = poll(queue);
        if (next != null && next != HttpSessions.ENDED && isFinal(next)) {
            if (how.sessionId() != null && (!how.initialize() || next.containsKey("result"))) ex.getResponseHeaders().set(SESSION, how.sessionId());
            HttpWire.json(ex, status(next, how), next);
            return next;
        }
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream");
        h.set("Cache-Control", "no-cache");
        h.set("X-Accel-Buffering", "no");   // nginx and friends: pass each event on at once
        if (how.sessionId() != null) h.set(SESSION, how.sessionId());
        ex.sendResponseHeaders(200, 0);
        var sse = new SseStream(ex.getResponseBody());
        boolean open = !how.priming() || sse.prime();
        while (open) {
            if (next == HttpSessions.ENDED) return null;   // cancelled or session ended: no response will come
            if (next == null) {
                open = sse.keepAlive();
            } else {
                open = sse.send(next);
                if (open && isFinal(next)) return next;
            }
            if (open) next = poll(queue);
            if (Thread.currentThread().isInterrupted()) break;   // stop(): the server is shutting down
        }
        if (how.modern()) session.close();   // MCP 2026-07-28 transports: closing the response stream cancels the request
        return null;
    }

    private void get(HttpExchange ex) throws IOException {
        var headers = ex.getRequestHeaders();
        if (Rpc.MODERN_VERSION.equals(ModernHeaders.trimmed(headers, ModernHeaders.VERSION))) {
            HttpWire.methodNotAllowed(ex, "POST", "MCP 2026-07-28 has no GET stream; POST each request");
            return;
        }
        if (!HttpWire.accepts(headers.getFirst("Accept"), "text/event-stream")) {
            HttpWire.error(ex, 406, SERVER_ERROR, null, "Not Acceptable: a GET stream needs Accept: text/event-stream");
            return;
        }
        HttpSessions.Entry entry = session(ex, headers.getFirst(SESSION));
        if (entry == null) return;
        if (!entry.openStream()) {
            HttpWire.error(ex, 409, SERVER_ERROR, null, "Conflict: this session already has a GET stream open; close it first");
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.getResponseHeaders().set("X-Accel-Buffering", "no");
            ex.getResponseHeaders().set(SESSION, entry.id);
            ex.sendResponseHeaders(200, 0);
            var sse = new SseStream(ex.getResponseBody());
            // hearth sends nothing unprompted yet, so the stream carries keep-alives until the session or the client ends it
            boolean open = !primes(entry) || sse.prime();
            while (open && !entry.awaitEnd(limits.keepAlive())) open = sse.keepAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            entry.closeStream();
        }
    }

    private void delete(HttpExchange ex) throws IOException {
        var headers = ex.getRequestHeaders();
        if (Rpc.MODERN_VERSION.equals(ModernHeaders.trimmed(headers, ModernHeaders.VERSION))) {
            HttpWire.methodNotAllowed(ex, "POST", "MCP 2026-07-28 has no sessions to delete");
            return;
        }
        HttpSessions.Entry entry = session(ex, headers.getFirst(SESSION));
        if (entry == null) return;
        sessions.end(entry.id);
        ex.sendResponseHeaders(200, -1);
    }

    /** The session the request names, or null after answering 400 (none named) or 404 (unknown or ended). */
    private HttpSessions.Entry session(HttpExchange ex, String id) throws IOException {
        if (id == null) {
            HttpWire.error(ex, 400, SERVER_ERROR, null, "Bad Request: Mcp-Session-Id header is required; send initialize first "
                    + "(or, for MCP 2026-07-28, put the protocol version in params._meta)");
            return null;
        }
        HttpSessions.Entry entry = sessions.find(id.strip());
        if (entry == null) HttpWire.error(ex, 404, SESSION_NOT_FOUND, null, "Session not found: it was ended or expired; send initialize again");
        return entry;
    }

    /** Priming events arrived in 2025-11-25; older clients may choke on an event with empty data. */
    private static boolean primes(HttpSessions.Entry entry) {
        String negotiated = entry.session.protocolVersion();
        return negotiated != null && negotiated.compareTo("2025-11-25") >= 0;
    }

    private Map<String, Object> poll(LinkedBlockingQueue<Map<String, Object>> queue) {
        try {
            return queue.poll(limits.keepAlive().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The HTTP status for a response sent as JSON (PROTOCOL.md §4.1 table; §4.2 for the modern era). */
    private static int status(Map<String, Object> response, Reply how) {
        if (!(response.get("error") instanceof Map<?, ?> error) || !(error.get("code") instanceof Long code)) return 200;
        if (code == Rpc.PARSE_ERROR || code == Rpc.INVALID_REQUEST || how.initialize()) return 400;
        if (!how.modern()) return 200;   // legacy: a JSON-RPC error is a successful HTTP exchange
        if (code == Rpc.METHOD_NOT_FOUND) return 404;
        if (code == Rpc.HEADER_MISMATCH || code == Rpc.UNSUPPORTED_PROTOCOL_VERSION || code == MISSING_CLIENT_CAPABILITY) return 400;
        return code == Rpc.INVALID_PARAMS && how.metaInvalid() ? 400 : 200;
    }

    private static boolean isFinal(Map<String, Object> message) {
        return !message.containsKey("method");   // a response; notifications and server requests carry a method
    }

    private static boolean isId(Object id) {
        return id instanceof String || id instanceof Long;
    }
}
