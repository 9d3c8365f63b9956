package hearth.tools;

import hearth.json.Json;
import hearth.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

// The user's model lineup, ~/.hearth/tiers.json: {"quality": {"model": "...", "description": "..."}, ...}.
// Without the file, the turbo / fast / default / quality lineup mlx-mcp-server users know.
// `set_model quality`, list_models and the big-model commands refer to these names.
final class Tiers {
    record Tier(String name, String model, String description) {}

    static final List<Tier> DEFAULTS = List.of(
            new Tier("turbo", "DeepSeek-Coder-V2-Lite-Instruct-4bit-mlx", "⚡ Turbo: ~135 tok/s, instant subagent calls, quick lookups and boilerplate"),
            new Tier("fast", "Qwen2.5-Coder-7B-Instruct-4bit", "⚡ Fast: ~80 tok/s, speed fallback, solid code quality"),
            new Tier("default", "Qwen2.5-Coder-14B-Instruct-4bit", "⚖️ Everyday: ~28 tok/s, reliable default for most coding tasks"),
            new Tier("quality", "Qwen3-Coder-30B-A3B-Instruct-MLX-4bit", "🧠 Quality: ~51 tok/s, best coding quality, MoE (3B active), no thinking mode"));

    private Tiers() {}

    static Path file(Path home) {
        return home.resolve("tiers.json");
    }

    /** The tiers in file order; a file that cannot be read is an error naming it (never silently replaced). */
    static List<Tier> load(Path home) throws IOException {
        Path file = file(home);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return DEFAULTS;
        }
        var out = new ArrayList<Tier>();
        try {
            for (var entry : Json.parseObject(text).entrySet()) {
                if (!(entry.getValue() instanceof Map<?, ?> t) || !(t.get("model") instanceof String model)) {
                    throw new IOException(file + ": tier '" + entry.getKey() + "' must be {\"model\": \"name\", \"description\": \"...\"}");
                }
                out.add(new Tier(entry.getKey(), model, t.get("description") instanceof String d ? d : ""));
            }
        } catch (JsonException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    static Tier byName(List<Tier> tiers, String name) {
        return tiers.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    /** The tier whose model is `model` (exact or case-insensitive), or null. */
    static Tier ofModel(List<Tier> tiers, String model) {
        if (model == null) return null;
        return tiers.stream().filter(t -> t.model().equalsIgnoreCase(model) || model.toLowerCase().endsWith("/" + t.model().toLowerCase()))
                .findFirst().orElse(null);
    }
}
