package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;

// What a tool returns: content blocks, optional structuredContent (matching the tool's
// outputSchema) and isError. The text block always comes first, for clients that read only it.
public record ToolResult(List<Map<String, Object>> content, Map<String, Object> structuredContent, boolean isError) {

    public static ToolResult text(String text) {
        return new ToolResult(List.of(textBlock(text)), null, false);
    }

    public static ToolResult structured(String text, Map<String, Object> structured) {
        return new ToolResult(List.of(textBlock(text)), structured, false);
    }

    public static ToolResult error(String text) {
        return new ToolResult(List.of(textBlock(text)), null, true);
    }

    /** The text of every text block, joined by newlines: what `hearth call` prints. */
    public String text() {
        var out = new StringBuilder();
        for (var block : content) {
            if ("text".equals(block.get("type"))) out.append(out.length() > 0 ? "\n" : "").append(block.get("text"));
        }
        return out.toString();
    }

    Map<String, Object> toJson() {
        var json = Json.obj("content", List.copyOf(content));
        if (structuredContent != null) json.put("structuredContent", structuredContent);
        if (isError) json.put("isError", true);
        return json;
    }

    private static Map<String, Object> textBlock(String text) {
        return Json.obj("type", "text", "text", text);
    }
}
