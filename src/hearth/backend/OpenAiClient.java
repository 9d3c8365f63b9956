package hearth.backend;

import hearth.config.Config;
import hearth.json.Json;
import hearth.json.JsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

// The one HTTP client between hearth and a backend: java.net.http, HTTP/1.1, never a proxy (local
// traffic, and keys must not pass through one), a bearer key when set, a deadline per phase
// (connect, first chunk, idle between chunks, total) and cancellation through Abort. Every failure
// is a BackendException naming the URL; the API key never appears in one. Paths are the dialects' business.
public final class OpenAiClient {
    private static final int MAX_ERROR_READ_BYTES = 64 * 1024;   // enough of an error body to quote its start

    /** Per-phase limits: connect, silence before the first chunk, silence between chunks, the whole exchange. */
    public record Timeouts(Duration connect, Duration firstToken, Duration idle, Duration total) {
        public static Timeouts of(Config config) {
            return new Timeouts(config.seconds("connect_timeout"), config.seconds("first_token_timeout"),
                    config.seconds("idle_timeout"), config.seconds("timeout"));
        }

        public Timeouts withTotal(Duration total) {
            return new Timeouts(connect, firstToken, idle, total);
        }
    }

    public final String baseUrl;
    private final String apiKey;
    final Timeouts timeouts;
    private volatile HttpClient http;   // built on first use: nothing network-related happens at start-up

    public OpenAiClient(String baseUrl, String apiKey, Timeouts timeouts) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeouts = timeouts;
    }

    /** GET path, parsed as JSON, within `limit` (connect included). */
    public Object get(String path, Duration limit) {
        return readJson("GET", path, null, new Abort(), limit);
    }

    /** POST a JSON body and parse the JSON reply, within the total timeout. */
    public Object post(String path, Map<String, Object> body, Abort abort) {
        return readJson("POST", path, body, abort, timeouts.total());
    }

    /**
     * POST a JSON body and hand each non-blank line of the streamed reply (SSE or NDJSON) to `line`,
     * with the first-chunk, idle and total deadlines. Returns when the stream ends; `line` may stop
     * it early by returning false (a terminal event).
     */
    public void stream(String path, Map<String, Object> body, Abort abort, java.util.function.Predicate<String> line) {
        stream(path, body, abort, timeouts, line);
    }

    /** As above with other limits: a model download is silent for longer than a generation may be. */
    void stream(String path, Map<String, Object> body, Abort abort, Timeouts limits, java.util.function.Predicate<String> line) {
        HttpResponse<InputStream> response = open("POST", path, body, abort, limits.firstToken());
        var deadline = new Deadline(limits.total().toNanos(), limits.firstToken().toNanos(), limits.idle().toNanos(),
                () -> close(response.body()));
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String text;
            while ((text = reader.readLine()) != null) {
                if (deadline.expired() != null) break;
                deadline.touch();
                if (!text.isBlank() && !line.test(text)) return;
            }
            if (deadline.expired() != null) throw streamFailure(path, abort, deadline, limits, null);
        } catch (IOException e) {
            throw streamFailure(path, abort, deadline, limits, e);
        } finally {
            deadline.stop();
        }
    }

    /** A whole JSON reply: the status line and body must both arrive within `limit`. */
    Object readJson(String method, String path, Map<String, Object> body, Abort abort, Duration limit) {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = open(method, path, body, abort, limit);
        long left = Math.max(limit.toNanos() - (System.nanoTime() - started), 0);
        var deadline = new Deadline(left, left, left, () -> close(response.body()));
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            if (abort.aborted()) throw cancelled(path);
            if (deadline.expired() != null) throw new BackendException(BackendException.Kind.TIMEOUT, 0, "backend at " + baseUrl
                    + " did not finish answering " + method + " " + path + " within " + seconds(limit) + " - raise HEARTH_TIMEOUT or try again", e);
            throw new BackendException(BackendException.Kind.MALFORMED, 0, "backend at " + baseUrl
                    + " broke off the reply to " + path + " (" + e.getMessage() + ")", e);
        } finally {
            deadline.stop();
        }
        if (bytes.length == 0) return null;
        try {
            return Json.parse(bytes);
        } catch (JsonException e) {
            throw malformed(method, path, e.getMessage(), new String(bytes, StandardCharsets.UTF_8));
        }
    }

    BackendException malformed(String method, String path, String what, String body) {
        return new BackendException(BackendException.Kind.MALFORMED, 0, "backend at " + baseUrl + " answered " + method + " " + path
                + " with a reply hearth cannot read (" + what + "): " + snippet(body)
                + " - is this URL the backend's API (try without /v1 or another port)?", null);
    }

    /**
     * Sends the request and waits up to `limit` for the status line; a status of 400 or more is thrown.
     * A blocking send on the caller's thread, not sendAsync: sendAsync hands every reply to the common
     * pool (one thread on a 2-core machine), a hop that costs each call latency and parallel chats
     * throughput. An abort interrupts the send, which cancels the exchange and closes its connection.
     */
    private HttpResponse<InputStream> open(String method, String path, Map<String, Object> body, Abort abort, Duration limit) {
        if (abort.aborted()) throw cancelled(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(limit).header("Accept", "application/json, text/event-stream");
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        if (body == null) request.GET();
        else request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        HttpResponse<InputStream> response;
        Abort.Registration interrupt = abort.during(Thread.currentThread()::interrupt);
        try {
            response = client().send(request.build(), closedOn(abort));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new BackendException(BackendException.Kind.TIMEOUT, 0, "backend at " + baseUrl + " did not start answering "
                    + method + " " + path + " within " + seconds(limit) + " - it may be loading a model or overloaded; "
                    + "raise HEARTH_TIMEOUT / HEARTH_FIRST_TOKEN_TIMEOUT or try again", e);
        } catch (InterruptedException e) {
            if (!abort.aborted()) Thread.currentThread().interrupt();   // not ours: the caller's own interrupt stands
            throw cancelled(path);
        } catch (IOException e) {
            throw abort.aborted() ? cancelled(path) : unreachable(e);
        } finally {
            interrupt.close();
        }
        if (abort.aborted()) Thread.interrupted();   // an abort that landed as the reply came: its interrupt is spent here
        if (response.statusCode() >= 400) throw httpError(method, path, response);
        return response;
    }

    /**
     * The body as a stream that an abort closes, which closes the connection. Hooked where the body
     * is made, as the headers arrive: an abort that interrupts send() just as they come makes send()
     * throw and drop the reply, and only this hook still reaches it.
     */
    private static HttpResponse.BodyHandler<InputStream> closedOn(Abort abort) {
        return info -> {
            HttpResponse.BodySubscriber<InputStream> body = HttpResponse.BodySubscribers.ofInputStream();
            body.getBody().thenAccept(in -> abort.onAbort(() -> close(in)));
            return body;
        };
    }

    private BackendException httpError(String method, String path, HttpResponse<InputStream> response) {
        String text;
        try (InputStream in = response.body()) {
            text = new String(in.readNBytes(MAX_ERROR_READ_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "(body unreadable: " + e.getMessage() + ")";
        }
        int status = response.statusCode();
        String hint = status == 401 || status == 403 ? " - the backend wants an API key: set HEARTH_API_KEY (or MLX_API_KEY / LM_STUDIO_API_KEY)" : "";
        return new BackendException(BackendException.Kind.HTTP_STATUS, status, "backend returned " + status + " for " + method + " "
                + path + ": " + snippet(text) + hint, null);
    }

    private BackendException unreachable(Throwable cause) {
        String why = cause instanceof HttpConnectTimeoutException ? "connect timed out after " + seconds(timeouts.connect())
                   : cause instanceof ConnectException ? "connection refused"
                   : String.valueOf(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        return new BackendException(BackendException.Kind.UNREACHABLE, 0, "cannot reach backend at " + baseUrl + " (" + why + ") - is it running?", cause);
    }

    private BackendException streamFailure(String path, Abort abort, Deadline deadline, Timeouts limits, IOException cause) {
        if (abort.aborted()) return cancelled(path);
        String phase = deadline.expired();
        if ("first".equals(phase)) {
            return new BackendException(BackendException.Kind.TIMEOUT, 0, "backend at " + baseUrl + " sent nothing for " + path + " within "
                    + seconds(limits.firstToken()) + " (still reading the prompt?) - raise HEARTH_FIRST_TOKEN_TIMEOUT or send a shorter prompt", cause);
        }
        if ("idle".equals(phase)) {
            return new BackendException(BackendException.Kind.TIMEOUT, 0, "backend at " + baseUrl + " went silent for " + seconds(limits.idle())
                    + " in the middle of " + path + " - it may have stalled; raise HEARTH_IDLE_TIMEOUT or try again", cause);
        }
        if ("total".equals(phase)) {
            return new BackendException(BackendException.Kind.TIMEOUT, 0, "backend at " + baseUrl + " did not finish " + path + " within "
                    + seconds(limits.total()) + " - raise HEARTH_TIMEOUT or ask for fewer tokens (max_tokens)", cause);
        }
        return new BackendException(BackendException.Kind.MALFORMED, 0, "backend at " + baseUrl + " broke off the reply to " + path
                + (cause == null ? "" : " (" + cause.getMessage() + ")") + " - it may have crashed or been restarted", cause);
    }

    BackendException cancelled(String path) {
        return new BackendException(BackendException.Kind.CANCELLED, 0, "cancelled: the request to " + baseUrl + path + " was aborted", null);
    }

    private URI uri(String path) {
        try {
            return URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new BackendException(BackendException.Kind.UNREACHABLE, 0, "backend URL '" + baseUrl + "' is not a valid URL ("
                    + e.getMessage() + ") - set HEARTH_BASE_URL to something like http://127.0.0.1:11434", e);
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY)
                            .connectTimeout(timeouts.connect()).followRedirects(HttpClient.Redirect.NEVER).build();
                }
                c = http;
            }
        }
        return c;
    }

    static String snippet(String body) {
        String flat = body.strip();
        return flat.length() <= Config.MAX_ERROR_BODY_CHARS ? flat : flat.substring(0, Config.MAX_ERROR_BODY_CHARS) + "...";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // already broken: the reader sees the failure
        }
    }
}
