package hearth.tools;

import hearth.backend.Abort;
import hearth.backend.Backend;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Tool;
import hearth.mcp.ToolException;
import hearth.mcp.ToolResult;
import java.util.ArrayList;
import java.util.List;

// embed: vectors for a string or a list of strings through the backend's embeddings endpoint. The
// text answer only summarises (count, dimensions, a few values) so it stays far below a client's
// tool-result cap (Claude Code's is ~25k tokens); structuredContent carries every vector.
final class EmbedTools {
    private static final int MAX_INPUTS = 256;       // one call; more is a batch job, not a tool call
    private static final int SHOWN_VALUES = 4;       // per vector, in the text summary

    private EmbedTools() {}

    static List<Tool> all(Config config, Backend backend) {
        return List.of(new Tool("embed", "Embed text locally", "Turn a string or a list of strings into embedding vectors with the "
                + "local backend (/v1/embeddings, or Ollama's native endpoint). The text answer summarises; structuredContent holds the vectors.",
                """
                {"type": "object",
                 "properties": {"input": {"type": ["string", "array"], "items": {"type": "string"}, "description": "a string or a list of strings"},
                                "model": {"type": "string", "description": "embedding model; default: the active model"}},
                 "required": ["input"], "additionalProperties": false}
                """, """
                {"type": "object",
                 "properties": {"model": {"type": ["string", "null"]}, "count": {"type": "integer"}, "dimensions": {"type": "integer"},
                                "embeddings": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}},
                 "required": ["count", "dimensions", "embeddings"]}
                """, """
                {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                """, Report.guarded((args, call) -> {
                    List<String> input = args.strings("input");
                    if (input.isEmpty() || input.size() > MAX_INPUTS) {
                        throw new ToolException("argument 'input' must hold 1 to " + MAX_INPUTS + " strings, got " + input.size());
                    }
                    String model = args.string("model", null);
                    var abort = new Abort();
                    call.onCancel(abort::abort);
                    List<List<Double>> vectors = backend.embed(model, input, abort);
                    if (vectors.size() != input.size()) {
                        throw new ToolException("the backend returned " + vectors.size() + " embeddings for " + input.size() + " inputs");
                    }
                    return summary(model != null ? model : backend.model(), vectors);
                })));
    }

    static ToolResult summary(String model, List<List<Double>> vectors) {
        int dimensions = vectors.get(0).size();
        var text = new StringBuilder("🏠 LOCAL · " + (model == null ? "embeddings" : model) + "\n\n")
                .append(vectors.size()).append(vectors.size() == 1 ? " embedding" : " embeddings").append(" of ").append(dimensions).append(" dimensions");
        for (int i = 0; i < Math.min(3, vectors.size()); i++) {
            var head = new ArrayList<String>();
            for (int j = 0; j < Math.min(SHOWN_VALUES, vectors.get(i).size()); j++) head.add(Report.fixed(vectors.get(i).get(j), 4));
            text.append("\n[").append(i).append("] ").append(String.join(", ", head)).append(dimensions > SHOWN_VALUES ? ", …" : "");
        }
        if (vectors.size() > 3) text.append("\n… and ").append(vectors.size() - 3).append(" more");
        text.append("\n(the full vectors are in structuredContent)");
        return ToolResult.structured(text.toString(), Json.obj("model", model, "count", (long) vectors.size(), "dimensions", (long) dimensions,
                "embeddings", new ArrayList<Object>(vectors)));
    }
}
