package hearth.tools;

import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Resource;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import java.util.List;
import java.util.Map;

// get_config and the hearth://config resource: every setting, its value and where it came from.
// The API key and auth token show only as "set" / "not set".
final class ConfigTools {
    private ConfigTools() {}

    static List<Tool> all(Config config) {
        return List.of(new Tool("get_config", "Show hearth's configuration",
                "Show every hearth setting (backend URL, backend kind, model, timeouts, home folder, exposed tools), "
                        + "its value and where it came from (flag, environment, state file or default). Secrets show only as set / not set.",
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
                     "required": ["value", "source"]}}},
                 "required": ["version", "settings"]}
                """,
                """
                {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                """,
                (args, call) -> getConfig(config)));
    }

    static List<Resource> resources(Config config) {
        return List.of(Resource.fixed("hearth://config", "config", "hearth configuration",
                "Every hearth setting with its value and source, as JSON", "application/json",
                () -> Json.write(structured(config))));
    }

    private static ToolResult getConfig(Config config) {
        var text = new StringBuilder("hearth " + Config.VERSION + " configuration\n");
        config.describe().forEach((key, v) -> {
            var entry = (Map<?, ?>) v;
            text.append(String.format("%-16s %s  (%s)%n", key, entry.get("value") == null ? "(not set)" : entry.get("value"), entry.get("source")));
        });
        return ToolResult.structured(text.toString().stripTrailing(), structured(config));
    }

    private static Map<String, Object> structured(Config config) {
        return Json.obj("version", Config.VERSION, "settings", config.describe());
    }
}
