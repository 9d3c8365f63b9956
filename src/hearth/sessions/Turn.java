package hearth.sessions;

import hearth.json.Json;
import java.util.Map;

// One turn of a session: the user's message and the model's reply, stored as one JSON line so a
// turn is on disk whole or not at all. The first turn also carries the session's system prompt.
//   {"turn":1,"time":"2025-06-01T12:00:00Z","model":"qwen3","system":"Be brief","user":"hi","assistant":"Hello"}
// `system` is absent on later turns and when no system prompt was given; `model` may be null.
public record Turn(long turn, String time, String model, String system, String user, String assistant) {

    /** The line's JSON text, without the newline; JsonWriter never writes a raw newline, so it stays one line. */
    public String toLine() {
        var json = Json.obj("turn", turn, "time", time, "model", model);
        if (system != null) json.put("system", system);
        json.put("user", user);
        json.put("assistant", assistant);
        return Json.write(json);
    }

    public Map<String, Object> toJson() {
        return Json.parseObject(toLine());
    }

    /** Reads one line; anything not shaped as toLine writes it is an IllegalArgumentException saying what is missing. */
    static Turn parse(String line) {
        Map<String, Object> json = Json.parseObject(line);
        if (!(json.get("turn") instanceof Long n) || !(json.get("user") instanceof String user)
                || !(json.get("assistant") instanceof String assistant)) {
            throw new IllegalArgumentException("expected {\"turn\": integer, \"user\": string, \"assistant\": string, ...}");
        }
        return new Turn(n, json.get("time") instanceof String t ? t : null, json.get("model") instanceof String m ? m : null,
                json.get("system") instanceof String s ? s : null, user, assistant);
    }
}
