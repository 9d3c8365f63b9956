package hearth.tools;

import hearth.backend.Backend;
import hearth.backend.BackendException;
import hearth.backend.Health;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import java.util.List;
import java.util.Map;

// health_check: looks for the backend afresh and reports ok / unreachable / error with the URL,
// kind, version, models loaded/available, latency and a hint that fixes the problem. Never an
// isError result: an unreachable backend is the answer, not a failure of the tool.
final class HealthTools {
    private HealthTools() {}

    static List<Tool> all(Config config, Backend backend) {
        return List.of(new Tool("health_check", "Check the local backend", "Check that the local model server answers: status (ok, "
                + "unreachable, error), URL, backend kind and version, models loaded/available, latency, the active model, and a hint when something is wrong.",
                """
                {"type": "object", "properties": {}, "additionalProperties": false}
                """, """
                {"type": "object",
                 "properties": {"status": {"type": "string", "enum": ["ok", "unreachable", "error"]}, "url": {"type": ["string", "null"]},
                   "backend": {"type": ["string", "null"]}, "version": {"type": ["string", "null"]}, "models_loaded": {"type": ["string", "null"]},
                   "model": {"type": ["string", "null"]}, "latency_ms": {"type": ["integer", "null"]}, "discovered": {"type": ["boolean", "null"]},
                   "hint": {"type": ["string", "null"]}},
                 "required": ["status"]}
                """, """
                {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                """, (args, call) -> check(config, backend)));
    }

    static ToolResult check(Config config, Backend backend) {
        backend.forget();
        long started = System.nanoTime();
        Map<String, Object> out;
        try {
            Health h = backend.health();
            long ms = (System.nanoTime() - started) / 1_000_000;
            String model = null, hint = null;
            try {
                model = backend.model();
            } catch (BackendException e) {
                hint = e.getMessage();
            }
            if (model == null && hint == null) hint = "the backend lists no model: download or load one in " + backend.label();
            out = Json.obj("status", "ok", "url", backend.baseUrl(), "backend", backend.kind(), "version", h.version(),
                    "models_loaded", h.loaded() == null || h.available() == null ? null : h.loaded() + "/" + h.available(),
                    "model", model, "latency_ms", ms, "discovered", backend.discovered(), "hint", hint);
        } catch (BackendException e) {
            boolean down = e.kind == BackendException.Kind.UNREACHABLE;
            String url = config.get("base_url");
            out = Json.obj("status", down ? "unreachable" : "error", "url", url, "backend", config.get("backend"), "version", null,
                    "models_loaded", null, "model", config.get("model"), "latency_ms", null, "discovered", url == null, "hint", e.getMessage());
        }
        var text = new StringBuilder();
        text.append("ok".equals(out.get("status")) ? "✅ " : "❌ ").append(out.get("status"));
        if (out.get("backend") != null && "ok".equals(out.get("status"))) text.append(" · ").append(backend.label());
        if (out.get("version") != null) text.append(" ").append(out.get("version"));
        if (out.get("url") != null) text.append(" at ").append(out.get("url")).append(Boolean.TRUE.equals(out.get("discovered")) ? " (found by probing)" : "");
        if (out.get("models_loaded") != null) text.append("\nmodels loaded: ").append(out.get("models_loaded"));
        if (out.get("model") != null) text.append("\nactive model: ").append(out.get("model"));
        if (out.get("latency_ms") != null) text.append("\nlatency: ").append(out.get("latency_ms")).append(" ms");
        if (out.get("hint") != null) text.append("\nhint: ").append(out.get("hint"));
        return ToolResult.structured(text.toString(), out);
    }
}
