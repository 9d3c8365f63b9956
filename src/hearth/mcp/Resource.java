package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

// One MCP resource or resource template. A fixed resource has a uri; a template has a uriTemplate
// (RFC 6570) and answers for every uri its reader recognises (Optional.empty() when it does not).
// A template may also name the resources it has right now (`instances`), which resources/list shows.
public record Resource(String uri, String uriTemplate, String name, String title, String description,
                       String mimeType, Function<String, Optional<String>> reader, Supplier<List<Resource>> instances) {

    public static Resource fixed(String uri, String name, String title, String description, String mimeType,
                                 Supplier<String> reader) {
        return new Resource(uri, null, name, title, description, mimeType, u -> u.equals(uri) ? Optional.of(reader.get()) : Optional.empty(),
                List::of);
    }

    public static Resource template(String uriTemplate, String name, String title, String description, String mimeType,
                                    Function<String, Optional<String>> reader, Supplier<List<Resource>> instances) {
        return new Resource(null, uriTemplate, name, title, description, mimeType, reader, instances);
    }

    boolean isTemplate() {
        return uriTemplate != null;
    }

    Map<String, Object> toJson() {
        var json = isTemplate() ? Json.obj("uriTemplate", uriTemplate) : Json.obj("uri", uri);
        json.put("name", name);
        if (title != null) json.put("title", title);
        json.put("description", description);
        json.put("mimeType", mimeType);
        return json;
    }
}
