package hearth.install;

import hearth.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// doctor's look at a backend: GET /v1/models with a short timeout, and the kind guessed from one
// or two well-known paths. Deliberately small and separate: once hearth.backend lands, doctor asks
// it instead (its dialects know each backend far better). No proxy: local traffic, and keys stay local.
final class BackendProbe {
    static final List<String> WELL_KNOWN = List.of("http://127.0.0.1:8000", "http://127.0.0.1:8080",
            "http://127.0.0.1:11434", "http://127.0.0.1:1234");  // oMLX/vLLM, MLX LM/llama-server, Ollama, LM Studio

    /** What one probe found. `error` is null when /v1/models answered 200. */
    record Result(String url, String kind, List<String> models, long millis, String error) {}

    private final HttpClient http;
    private final Duration timeout;
    private final String apiKey;

    BackendProbe(Duration timeout, String apiKey) {
        this.timeout = timeout;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** "localhost:11434", "http://h:1234/v1/" → "http://localhost:11434", "http://h:1234". */
    static String normalize(String url) {
        String u = url.trim();
        if (!u.contains("://")) u = "http://" + u;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        if (u.endsWith("/v1")) u = u.substring(0, u.length() - 3);
        return u;
    }

    Result probe(String baseUrl) {
        String base = normalize(baseUrl);
        long start = System.nanoTime();
        try {
            HttpResponse<String> reply = get(base + "/v1/models");
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (reply.statusCode() == 401 || reply.statusCode() == 403) {
                return new Result(base, kind(base), List.of(), millis, "answered " + reply.statusCode() + ": it wants an API key (set HEARTH_API_KEY)");
            }
            if (reply.statusCode() != 200) return new Result(base, kind(base), List.of(), millis, "GET /v1/models answered " + reply.statusCode());
            return new Result(base, kind(base), models(reply.body()), millis, null);
        } catch (IOException e) {
            return new Result(base, null, List.of(), -1, "cannot reach " + base + "/v1/models (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(base, null, List.of(), -1, "interrupted");
        } catch (RuntimeException e) {
            return new Result(base, null, List.of(), -1, "unexpected answer from " + base + "/v1/models: " + e.getMessage());
        }
    }

    // Ollama answers /api/version, llama-server /props, LM Studio its native /api/v1/models.
    private String kind(String base) {
        try {
            HttpResponse<String> r = get(base + "/api/version");
            if (r.statusCode() == 200 && Json.parse(r.body()) instanceof Map<?, ?> m && m.get("version") != null) return "Ollama " + m.get("version");
            r = get(base + "/props");
            if (r.statusCode() == 200 && r.body().contains("default_generation_settings")) return "llama.cpp llama-server";
            r = get(base + "/api/v1/models");
            if (r.statusCode() == 200) return "LM Studio";
        } catch (IOException | RuntimeException e) {
            // not that kind; fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "OpenAI-compatible";
    }

    private static List<String> models(String body) {
        var ids = new ArrayList<String>();
        if (Json.parse(body) instanceof Map<?, ?> m && m.get("data") instanceof List<?> data) {
            for (Object d : data) if (d instanceof Map<?, ?> model && model.get("id") instanceof String id) ids.add(id);
        }
        return ids;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        if (apiKey != null && !apiKey.isBlank()) request.header("Authorization", "Bearer " + apiKey);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
