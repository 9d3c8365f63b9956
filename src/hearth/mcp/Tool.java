package hearth.mcp;

import hearth.json.Json;
import java.util.Map;

// One tool: its wire description (name, title, description, inputSchema, optional outputSchema,
// annotations) and the handler that runs it. Schemas are JSON text blocks parsed at start-up, so
// a typo in one fails the first test rather than a client.
public record Tool(String name, String title, String description, Map<String, Object> inputSchema,
                   Map<String, Object> outputSchema, Map<String, Object> annotations, Handler handler) {

    /** Runs the tool. Throw ToolException for anything the caller can act on; it becomes an isError result. */
    @FunctionalInterface
    public interface Handler {
        ToolResult call(Args args, Call call) throws Exception;
    }

    public Tool {
        if (!name.matches("[A-Za-z0-9_.-]{1,128}")) throw new IllegalArgumentException("tool name must match [A-Za-z0-9_.-]{1,128}: " + name);
        if (description == null || description.isBlank()) throw new IllegalArgumentException("tool " + name + " needs a description");
        if (!"object".equals(inputSchema.get("type"))) throw new IllegalArgumentException("tool " + name + ": inputSchema must have type object");
    }

    /** The usual form: schemas as JSON text (outputSchema may be null), annotations as JSON text. */
    public Tool(String name, String title, String description, String inputSchema, String outputSchema,
                String annotations, Handler handler) {
        this(name, title, description, Json.parseObject(inputSchema),
             outputSchema == null ? null : Json.parseObject(outputSchema),
             annotations == null ? Map.of() : Json.parseObject(annotations), handler);
    }

    /** The same tool under another name (HEARTH_CHAT_TOOL_NAME). */
    public Tool renamed(String newName) {
        return new Tool(newName, title, description, inputSchema, outputSchema, annotations, handler);
    }

    Map<String, Object> toJson() {
        var json = Json.obj("name", name);
        if (title != null) json.put("title", title);
        json.put("description", description);
        json.put("inputSchema", inputSchema);
        if (outputSchema != null) json.put("outputSchema", outputSchema);
        if (!annotations.isEmpty()) {
            var a = Json.obj();
            if (title != null) a.put("title", title);
            a.putAll(annotations);
            json.put("annotations", a);
        }
        return json;
    }
}
