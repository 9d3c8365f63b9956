package hearth.tools;

import hearth.backend.Backend;
import hearth.backend.BackendException;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Resource;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import java.io.IOException;
import java.util.List;
import java.util.Map;

// get_config and the hearth://config resource: every setting, its value and where it came from,
// then what is in effect because of them: the backend found and its model, the work-hours guard,
// the tiers. The API key and auth token show only as "set" / "not set". Each part that cannot be
// read (no backend, a broken tiers file) says why in its place; the rest is still shown.
final class ConfigTools {
    private ConfigTools() {}

    static List<Tool> all(Config config, Backend backend) {
        return List.of(new Tool("get_config", "Show hearth's configuration",
                "Show every hearth setting (backend URL, backend kind, model, timeouts, home folder, exposed tools), "
                        + "its value and where it came from (flag, environment, state file or default), then the backend in use "
                        + "and its model, the work-hours guard and the model tiers. Secrets show only as set / not set.",
                """
                {"type": "object", "properties": {}, "additionalProperties": false}
                """,
                """
                {"type": "object",
                 "properties": {
                   "version": {"type": "string"},
                   "settings": {"type": "object", "additionalProperties": {
                     "type": "object",
                     "properties": {"value": {"type": ["string", "null"]}, "source": {"type": "string"}},
                     "required": ["value", "source"]}},
                   "backend": {"type": "object", "properties": {
                     "url": {"type": "string"}, "kind": {"type": "string"}, "discovered": {"type": "boolean"},
                     "model": {"type": ["string", "null"]}, "error": {"type": "string"}}},
                   "work_hours_guard": {"type": "object"},
                   "tiers": {"type": "array", "items": {"type": "object", "properties": {
                     "name": {"type": "string"}, "model": {"type": "string"}, "description": {"type": "string"}}}},
                   "tiers_error": {"type": "string"}},
                 "required": ["version", "settings", "backend", "work_hours_guard"]}
                """,
                """
                {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                """,
                (args, call) -> getConfig(config, backend)));
    }

    static List<Resource> resources(Config config, Backend backend) {
        return List.of(Resource.fixed("hearth://config", "config", "hearth configuration",
                "Every hearth setting with its value and source, as JSON", "application/json",
                () -> Json.write(structured(config, backend))));
    }

    private static ToolResult getConfig(Config config, Backend backend) {
        Map<String, Object> all = structured(config, backend);
        var text = new StringBuilder("hearth " + Config.VERSION + " configuration\n");
        config.describe().forEach((key, v) -> {
            var entry = (Map<?, ?>) v;
            text.append(String.format("%-20s %s  (%s)%n", key, entry.get("value") == null ? "(not set)" : entry.get("value"), entry.get("source")));
        });
        var b = (Map<?, ?>) all.get("backend");
        text.append("\nbackend: ").append(b.containsKey("error") ? "not reachable - " + b.get("error")
                : b.get("kind") + " at " + b.get("url") + (Boolean.TRUE.equals(b.get("discovered")) ? " (found by probing)" : "")
                  + ", model " + (b.get("model") == null ? "(none reported)" : b.get("model")));
        var g = (Map<?, ?>) all.get("work_hours_guard");
        text.append("\nwork-hours guard: ").append(Boolean.TRUE.equals(g.get("enabled")) ? "on" : "off")
                .append(" (").append(g.get("days")).append(" ").append(g.get("start")).append("-").append(g.get("end")).append(" ").append(g.get("timezone")).append(")");
        text.append("\ntiers:");
        if (all.containsKey("tiers_error")) text.append(" ").append(all.get("tiers_error"));
        else for (Object t : (List<?>) all.get("tiers")) text.append("\n  ").append(((Map<?, ?>) t).get("name")).append(" → ").append(((Map<?, ?>) t).get("model"));
        return ToolResult.structured(text.toString().stripTrailing(), all);
    }

    private static Map<String, Object> structured(Config config, Backend backend) {
        var out = Json.obj("version", Config.VERSION, "settings", config.describe(), "backend", backend(backend));
        Object guard;
        try {
            guard = State.read(config.statePath()).get(Guard.KEY);
        } catch (IOException e) {
            guard = null;   // Config already names a broken state file where it reads the model
        }
        out.put("work_hours_guard", Guard.of(guard).toJson());
        try {
            out.put("tiers", Tiers.load(config.home()).stream().map(t -> Json.obj("name", t.name(), "model", t.model(), "description", t.description())).toList());
        } catch (IOException e) {
            out.put("tiers_error", e.getMessage());
        }
        return out;
    }

    private static Map<String, Object> backend(Backend backend) {
        try {
            return Json.obj("url", backend.baseUrl(), "kind", backend.kind(), "discovered", backend.discovered(), "model", backend.model());
        } catch (BackendException e) {
            return Json.obj("error", e.getMessage());
        }
    }
}
