package hearth.tools;

import hearth.backend.Backend;
import hearth.backend.ModelInfo;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Args;
import hearth.mcp.Resource;
import hearth.mcp.Tool;
import hearth.mcp.ToolException;
import hearth.mcp.ToolResult;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

// list_models, set_model and set_work_hours_guard, plus the hearth://models resource: the models
// a backend has (loaded or not, size, quantisation, context), the user's tiers, the active model
// and switching it (fuzzy, persisted in state.json, guarded in work hours).
final class ModelTools {
    private ModelTools() {}

    static List<Tool> all(Config config, Backend backend, Supplier<ZonedDateTime> clock) {
        return List.of(
                new Tool("list_models", "List local models", "List the models on the local backend: loaded or not, size, quantisation and "
                        + "context where the backend says, with the user's tiers (turbo, fast, default, quality); → marks the active one.",
                        """
                        {"type": "object", "properties": {}, "additionalProperties": false}
                        """, MODELS_OUTPUT, """
                        {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                        """, Report.guarded((args, call) -> listModels(config, backend))),
                new Tool("set_model", "Switch the local model", "Make a model the active one, by exact name, case-insensitive name, a "
                        + "unique fragment (\"14b\") or a tier name (\"quality\"). \"\" clears the choice (back to auto-detect). Persisted across "
                        + "restarts. The work-hours guard blocks big models in working hours unless force is true.",
                        """
                        {"type": "object",
                         "properties": {"model_name": {"type": "string", "description": "name, fragment or tier; \\"\\" clears"},
                                        "force": {"type": "boolean", "description": "switch even when the work-hours guard blocks it"}},
                         "required": ["model_name"], "additionalProperties": false}
                        """, """
                        {"type": "object", "properties": {"model": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
                         "matched_by": {"type": "string"}}, "required": ["model", "matched_by"]}
                        """, """
                        {"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                        """, Report.guarded((args, call) -> setModel(args, config, backend, clock))),
                new Tool("set_work_hours_guard", "Guard big models in work hours", "Turn on or off the guard that refuses switching to big "
                        + "models (the quality tier, or 30B+) during working hours, default Mon-Fri 08:00-17:00 America/Denver. Persisted.",
                        """
                        {"type": "object",
                         "properties": {"enabled": {"type": "boolean"},
                                        "start": {"type": "string", "description": "HH:MM, default 08:00"},
                                        "end": {"type": "string", "description": "HH:MM, default 17:00"},
                                        "days": {"type": "string", "description": "e.g. Mon-Fri or Mon,Wed,Fri"},
                                        "timezone": {"type": "string", "description": "IANA zone, default America/Denver"}},
                         "required": ["enabled"], "additionalProperties": false}
                        """, """
                        {"type": "object", "properties": {"enabled": {"type": "boolean"}, "start": {"type": "string"}, "end": {"type": "string"},
                         "days": {"type": "string"}, "timezone": {"type": "string"}, "in_hours_now": {"type": "boolean"}},
                         "required": ["enabled", "start", "end", "days", "timezone"]}
                        """, """
                        {"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                        """, (args, call) -> setGuard(args, config, clock)));
    }

    static List<Resource> resources(Config config, Backend backend) {
        return List.of(Resource.fixed("hearth://models", "models", "local models", "The backend's models, tiers and the active model, as JSON",
                "application/json", () -> {
                    try {
                        return Json.write(structured(config, backend));
                    } catch (Exception e) {
                        return Json.write(Json.obj("error", e.getMessage()));
                    }
                }));
    }

    private static ToolResult listModels(Config config, Backend backend) throws Exception {
        Map<String, Object> s = structured(config, backend);
        var text = new StringBuilder("Models at " + s.get("base_url") + " (" + backend.label() + "):\n");
        @SuppressWarnings("unchecked") var models = (List<Map<String, Object>>) s.get("models");
        if (models.isEmpty()) text.append("  (none: the backend lists no model; download or load one in it first)\n");
        for (var m : models) {
            text.append(Boolean.TRUE.equals(m.get("active")) ? "→ • " : "  • ").append(m.get("id"));
            var facts = new ArrayList<String>();
            if (m.get("loaded") != null) facts.add(Boolean.TRUE.equals(m.get("loaded")) ? "loaded" : "not loaded");
            if (m.get("size_bytes") instanceof Long b) facts.add(Report.fixed(b / 1e9, 1) + " GB");
            if (m.get("quantization") != null) facts.add(String.valueOf(m.get("quantization")));
            if (m.get("context_length") != null) facts.add("ctx " + m.get("context_length"));
            if (!facts.isEmpty()) text.append("  [").append(String.join(" · ", facts)).append("]");
            text.append('\n');
            if (m.get("tier") != null) text.append("      ").append(m.get("description")).append(" (tier ").append(m.get("tier")).append(")\n");
        }
        var ids = models.stream().map(m -> String.valueOf(m.get("id"))).toList();
        for (var t : Tiers.load(config.home())) {
            if (ids.stream().noneMatch(id -> Tiers.ofModel(List.of(t), id) != null)) {
                text.append("  (tier ").append(t.name()).append(": ").append(t.model()).append(" is not on this backend)\n");
            }
        }
        text.append(s.get("active") == null ? "No active model: set one with set_model." : "Active: " + s.get("active"));
        return ToolResult.structured(text.toString(), s);
    }

    static Map<String, Object> structured(Config config, Backend backend) throws Exception {
        List<ModelInfo> models = backend.models();
        String active = backend.model();
        var tiers = Tiers.load(config.home());
        var list = new ArrayList<Object>();
        for (ModelInfo m : models) {
            Tiers.Tier tier = Tiers.ofModel(tiers, m.id());
            list.add(Json.obj("id", m.id(), "loaded", m.loaded(), "size_bytes", m.sizeBytes(), "quantization", m.quantization(),
                    "context_length", m.contextLength(), "tier", tier == null ? null : tier.name(),
                    "description", tier == null ? null : tier.description(), "active", m.id().equals(active)));
        }
        return Json.obj("base_url", backend.baseUrl(), "backend", backend.kind(), "active", active, "models", list);
    }

    private static ToolResult setModel(Args args, Config config, Backend backend, Supplier<ZonedDateTime> clock) throws Exception {
        String wanted = args.string("model_name").trim();
        boolean force = args.bool("force", false);
        String previous = config.get("model");
        if (wanted.isEmpty()) {
            State.put(config.statePath(), "model", null);
            config.set("model", null, "default");
            return ToolResult.structured("Model choice cleared: hearth uses the backend's loaded (or first) model again."
                    + (previous == null ? "" : " Was: " + previous), Json.obj("model", null, "previous", previous, "matched_by", "cleared"));
        }
        var tiers = Tiers.load(config.home());
        var ids = backend.models().stream().map(ModelInfo::id).toList();
        String model = null, how = null;
        if (ids.contains(wanted)) { model = wanted; how = "exact"; }
        if (model == null) {
            var same = ids.stream().filter(id -> id.equalsIgnoreCase(wanted)).toList();
            if (same.size() == 1) { model = same.get(0); how = "case-insensitive"; }
        }
        if (model == null) {
            var fragment = ids.stream().filter(id -> id.toLowerCase().contains(wanted.toLowerCase())).toList();
            if (fragment.size() > 1 && Tiers.byName(tiers, wanted) == null) {
                throw new ToolException("'" + wanted + "' matches " + fragment.size() + " models: " + String.join(", ", fragment) + " - give more of the name");
            }
            if (fragment.size() == 1) { model = fragment.get(0); how = "fragment"; }
        }
        if (model == null && Tiers.byName(tiers, wanted) != null) { model = Tiers.byName(tiers, wanted).model(); how = "tier " + wanted.toLowerCase(); }
        if (model == null) {
            throw new ToolException("no model matches '" + wanted + "'; the backend has: " + (ids.isEmpty() ? "(none)" : String.join(", ", ids))
                    + "; tiers: " + String.join(", ", tiers.stream().map(Tiers.Tier::name).toList()));
        }
        Guard guard = Guard.of(State.read(config.statePath()).get(Guard.KEY));
        String refusal = guard.refusal(model, tiers, clock.get());
        if (refusal != null && !force) throw new ToolException("not switched: " + refusal);
        State.put(config.statePath(), "model", model);
        config.set("model", model, "set_model (state " + config.statePath() + ")");
        String note = ids.contains(model) ? "" : "\nNote: " + backend.label() + " does not list " + model + "; it must be downloaded or configured there.";
        return ToolResult.structured("✅ Active model: " + model + " (matched by " + how + (previous == null ? "" : "; was " + previous) + ")"
                + (refusal != null ? "\n⚠️ forced past the work-hours guard" : "") + note,
                Json.obj("model", model, "previous", previous, "matched_by", how));
    }

    private static ToolResult setGuard(Args args, Config config, Supplier<ZonedDateTime> clock) throws Exception {
        Guard old = Guard.of(State.read(config.statePath()).get(Guard.KEY));
        Guard guard;
        try {
            guard = new Guard(args.bool("enabled", false),
                    args.has("start") ? LocalTime.parse(args.string("start")) : old.start(),
                    args.has("end") ? LocalTime.parse(args.string("end")) : old.end(),
                    args.has("days") ? Guard.days(args.string("days")) : old.days(),
                    args.has("timezone") ? ZoneId.of(args.string("timezone")) : old.zone());
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new ToolException("set_work_hours_guard: " + e.getMessage() + " (start/end as HH:MM, days like Mon-Fri, timezone like America/Denver)");
        }
        if (!guard.end().isAfter(guard.start())) throw new ToolException("argument 'end' (" + guard.end() + ") must be after 'start' (" + guard.start() + ")");
        State.put(config.statePath(), Guard.KEY, guard.toJson());
        boolean now = guard.inHours(clock.get());
        var structured = guard.toJson();
        structured.put("in_hours_now", now);
        return ToolResult.structured((guard.enabled() ? "🛡️ Work-hours guard on: big models are blocked " : "Work-hours guard off (it would block big models ")
                + guard.daysText() + " " + guard.start() + "-" + guard.end() + " " + guard.zone().getId() + (guard.enabled() ? "" : ")")
                + (now ? "; that is now." : "; not now."), structured);
    }

    private static final String MODELS_OUTPUT = """
            {"type": "object",
             "properties": {"base_url": {"type": "string"}, "backend": {"type": "string"}, "active": {"type": ["string", "null"]},
               "models": {"type": "array", "items": {"type": "object", "properties": {
                 "id": {"type": "string"}, "loaded": {"type": ["boolean", "null"]}, "size_bytes": {"type": ["integer", "null"]},
                 "quantization": {"type": ["string", "null"]}, "context_length": {"type": ["integer", "null"]},
                 "tier": {"type": ["string", "null"]}, "description": {"type": ["string", "null"]}, "active": {"type": "boolean"}},
                 "required": ["id", "active"]}}},
             "required": ["base_url", "backend", "models"]}
            """;
}
