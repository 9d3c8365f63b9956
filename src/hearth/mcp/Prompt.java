package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

// One MCP prompt: name, title, description, its arguments, and the text it renders for given
// argument values (prompts/get returns that text as one user message).
public record Prompt(String name, String title, String description, List<Argument> arguments,
                     Function<Map<String, String>, String> render) {

    public record Argument(String name, String description, boolean required) {}

    Map<String, Object> toJson() {
        var json = Json.obj("name", name, "title", title, "description", description);
        var args = Json.arr();
        for (Argument a : arguments) args.add(Json.obj("name", a.name(), "description", a.description(), "required", a.required()));
        json.put("arguments", args);
        return json;
    }
}
