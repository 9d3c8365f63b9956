package hearth.backend;

import hearth.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

// Finds the backend: cleans up a configured URL (OLLAMA_HOST style "0.0.0.0:11434", a trailing
// /v1), or with none probes the well-known local ports; then tells the kind from what the server
// answers. Probes are short GETs; a port that is open but answers like no model server is skipped.
final class Discovery {
    static final List<Integer> PORTS = List.of(8000, 8080, 11434, 1234);   // oMLX/vLLM, MLX LM/llama-server, Ollama, LM Studio
    static final List<Dialect> DIALECTS = List.of(new Ollama(), new LmStudio(), new LlamaCpp(), new Mlx(), new Omlx(), new Vllm(), new OpenAi());

    private Discovery() {}

    /** The dialect named by HEARTH_BACKEND, or null for "auto"; an unknown name is an error listing the names. */
    static Dialect named(String kind) {
        if (kind == null || kind.isBlank() || kind.equals("auto")) return null;
        return DIALECTS.stream().filter(d -> d.kind().equals(kind.trim().toLowerCase())).findFirst()
                .orElseThrow(() -> new BackendException(BackendException.Kind.UNSUPPORTED, "HEARTH_BACKEND is '" + kind
                        + "'; expected one of auto, " + String.join(", ", DIALECTS.stream().map(Dialect::kind).toList())));
    }

    /** A usable base URL: scheme added, 0.0.0.0 → 127.0.0.1, credentials, trailing / and /v1 removed. */
    static String normalize(String url) {
        String u = url.trim();
        if (!u.matches("(?i)https?://.*")) u = "http://" + u;
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new BackendException(BackendException.Kind.UNREACHABLE, "backend URL '" + url + "' is not a valid URL - set HEARTH_BASE_URL to something like http://127.0.0.1:11434");
        }
        if (uri.getHost() == null) throw new BackendException(BackendException.Kind.UNREACHABLE, "backend URL '" + url + "' names no host - set HEARTH_BASE_URL to something like http://127.0.0.1:11434");
        String host = uri.getHost().equals("0.0.0.0") ? "127.0.0.1" : uri.getHost().equals("[::]") ? "[::1]" : uri.getHost();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "").replaceAll("(/v1|/api|/api/v1)$", "");
        int port = uri.getPort() != -1 ? uri.getPort() : url.trim().matches("(?i)https?://.*") ? -1 : 11434; // bare OLLAMA_HOST "host" means Ollama's port
        return uri.getScheme().toLowerCase() + "://" + host + (port == -1 ? "" : ":" + port) + path;
    }

    /** The kind of server at `http`, or null when nothing there answers like a model server. */
    static Dialect detect(OpenAiClient http) {
        Duration limit = Duration.ofMillis(Config.PROBE_MILLIS);
        if (probe(http, "/api/version", limit) instanceof Map<?, ?> v && v.get("version") != null && v.size() <= 2) return DIALECTS.get(0);
        if (probe(http, "/api/v1/models", limit) instanceof Map<?, ?> m && m.get("models") instanceof List) return DIALECTS.get(1);
        if (probe(http, "/props", limit) instanceof Map<?, ?> p && (p.containsKey("default_generation_settings") || p.containsKey("build_info"))) return DIALECTS.get(2);
        if (probe(http, "/health", limit) instanceof Map<?, ?> h && h.containsKey("engine_pool")) return DIALECTS.get(4);
        if (probe(http, "/version", limit) instanceof Map<?, ?> v && v.get("version") != null) return DIALECTS.get(5);
        if (!(probe(http, "/v1/models", limit) instanceof Map<?, ?> models && models.get("data") instanceof List<?> data)) return null;
        Object owner = data.isEmpty() ? null : Completions.map(data.get(0)).get("owned_by");
        if ("vllm".equals(owner)) return DIALECTS.get(5);
        if ("llamacpp".equals(owner)) return DIALECTS.get(2);
        if ("omlx".equals(owner)) return DIALECTS.get(4);
        if ("organization_owner".equals(owner)) return DIALECTS.get(1);
        if (!data.isEmpty() && owner == null) return DIALECTS.get(3);          // mlx_lm.server lists id/object/created only
        return DIALECTS.get(6);
    }

    /** `ports` with the named backend's own port first (HEARTH_BACKEND=lmstudio: 1234 before 8080). */
    static List<Integer> preferring(List<Integer> ports, Dialect named) {
        if (named == null || !ports.contains(named.defaultPort())) return ports;
        var ordered = new java.util.ArrayList<Integer>(List.of(named.defaultPort()));
        for (int p : ports) if (p != named.defaultPort()) ordered.add(p);
        return ordered;
    }

    /** The first well-known local port that is open and answers like a model server, or null. */
    static String probePorts(List<Integer> ports, String apiKey, OpenAiClient.Timeouts timeouts) {
        for (int port : ports) {
            if (!open(port)) continue;
            String url = "http://127.0.0.1:" + port;
            if (detect(new OpenAiClient(url, apiKey, timeouts)) != null) return url;
        }
        return null;
    }

    private static Object probe(OpenAiClient http, String path, Duration limit) {
        try {
            return http.get(path, limit);
        } catch (BackendException e) {
            if (e.kind == BackendException.Kind.UNREACHABLE) throw e;  // nothing listens: no point asking more
            return null;
        }
    }

    private static boolean open(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Config.PROBE_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
