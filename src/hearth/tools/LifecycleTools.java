package hearth.tools;

import hearth.backend.Abort;
import hearth.backend.Backend;
import hearth.backend.Download;
import hearth.backend.LoadOptions;
import hearth.backend.ModelChange;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Args;
import hearth.mcp.Call;
import hearth.mcp.Tool;
import hearth.mcp.ToolException;
import hearth.mcp.ToolResult;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Supplier;

// load_model, unload_model and download_model: the arguments, the work-hours guard (loads and
// downloads of big models), progress notifications for downloads, and how the outcome reads. What
// each backend does (LM Studio's REST API, Ollama's keep_alive and pull, llama-server's router)
// lives in its dialect; a backend that cannot do it answers how to do it there instead.
final class LifecycleTools {
    private static final long MAX_CONTEXT = 10_485_760;     // 10M tokens: past any model's window, so only typos are refused
    private static final long MAX_TTL_SECONDS = 31_536_000; // a year

    private LifecycleTools() {}

    static List<Tool> all(Config config, Backend backend, Supplier<ZonedDateTime> clock) {
        return List.of(
                new Tool("load_model", "Load a local model", "Load a model into the backend's memory so the next call is fast: LM Studio "
                        + "(native API), Ollama (keep_alive) or llama-server in router mode. Waits until it is loaded (up to HEARTH_LOAD_TIMEOUT). "
                        + "The work-hours guard blocks big models in working hours unless force is true.",
                        """
                        {"type": "object",
                         "properties": {"model": {"type": "string", "minLength": 1, "description": "model name as list_models shows it, or a tier name"},
                                        "context_length": {"type": "integer", "minimum": 1, "description": "context window in tokens; default: the backend's"},
                                        "gpu": {"type": "number", "minimum": 0, "maximum": 1, "description": "share of the model offloaded to the GPU: 0 = CPU only, 1 = all that fits"},
                                        "flash_attention": {"type": "boolean", "description": "use flash attention (LM Studio)"},
                                        "ttl": {"type": "integer", "minimum": 1, "description": "unload after this many idle seconds"},
                                        "force": {"type": "boolean", "description": "load even when the work-hours guard blocks it"}},
                         "required": ["model"], "additionalProperties": false}
                        """, CHANGE_OUTPUT, """
                        {"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                        """, Report.guarded((args, call) -> load(args, call, config, backend, clock))),
                new Tool("unload_model", "Unload a local model", "Free the memory a loaded model holds (LM Studio: every instance of it, "
                        + "or one instance id; Ollama: keep_alive 0; llama-server: router mode).",
                        """
                        {"type": "object",
                         "properties": {"model": {"type": "string", "minLength": 1, "description": "model name (or LM Studio instance id) as list_models shows it, or a tier name"}},
                         "required": ["model"], "additionalProperties": false}
                        """, CHANGE_OUTPUT, """
                        {"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
                        """, Report.guarded((args, call) -> unload(args, call, config, backend))),
                new Tool("download_model", "Download a local model", "Download a model to the backend: LM Studio (catalog id or Hugging Face "
                        + "URL, optional quantization) or Ollama (pull, with the quantisation in the tag). Sends progress notifications; past "
                        + "HEARTH_DOWNLOAD_BUDGET it returns the job id and state instead of waiting. The work-hours guard blocks big models unless force is true.",
                        """
                        {"type": "object",
                         "properties": {"model": {"type": "string", "minLength": 1, "description": "LM Studio catalog id or Hugging Face URL; Ollama name:tag; or a tier name"},
                                        "quantization": {"type": "string", "minLength": 1, "description": "e.g. Q4_K_M (LM Studio, Hugging Face URLs only)"},
                                        "force": {"type": "boolean", "description": "download even when the work-hours guard blocks it"}},
                         "required": ["model"], "additionalProperties": false}
                        """, """
                        {"type": "object",
                         "properties": {"model": {"type": "string"}, "backend": {"type": "string"},
                                        "state": {"type": "string", "description": "completed, already downloaded, downloading, paused or stopped"},
                                        "finished": {"type": "boolean"}, "job_id": {"type": ["string", "null"]},
                                        "total_bytes": {"type": ["integer", "null"]}, "downloaded_bytes": {"type": ["integer", "null"]},
                                        "detail": {"type": ["string", "null"]}, "forced": {"type": "boolean"}},
                         "required": ["model", "backend", "state", "finished"]}
                        """, """
                        {"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": true}
                        """, Report.guarded((args, call) -> download(args, call, config, backend, clock))));
    }

    private static ToolResult load(Args args, Call call, Config config, Backend backend, Supplier<ZonedDateTime> clock) throws Exception {
        String model = model(args, config);
        var options = new LoadOptions(args.integer("context_length", 1, MAX_CONTEXT, null), args.number("gpu", 0, 1, null),
                args.has("flash_attention") ? args.bool("flash_attention", false) : null, args.integer("ttl", 1, MAX_TTL_SECONDS, null));
        boolean forced = guard(args, config, model, clock, "not loaded");
        ModelChange c = backend.load(model, options, abort(call));
        String head = switch (c.state()) {
            case "loaded" -> "✅ Loaded " + c.model() + " on " + backend.label();
            case "already loaded" -> "✅ " + c.model() + " is already loaded on " + backend.label();
            default -> "⏳ " + c.model() + " is " + c.state() + " on " + backend.label();
        };
        return change(head, c, backend, forced);
    }

    private static ToolResult unload(Args args, Call call, Config config, Backend backend) throws Exception {
        ModelChange c = backend.unload(model(args, config), abort(call));
        String head = switch (c.state()) {
            case "unloaded" -> "✅ Unloaded " + c.model() + " from " + backend.label();
            case "not loaded" -> "✅ " + c.model() + " is not loaded on " + backend.label() + ": nothing to free";
            default -> "⏳ " + c.model() + " is " + c.state() + " on " + backend.label();
        };
        return change(head, c, backend, false);
    }

    private static ToolResult download(Args args, Call call, Config config, Backend backend, Supplier<ZonedDateTime> clock) throws Exception {
        String model = model(args, config);
        String quantization = args.string("quantization", null);
        boolean forced = guard(args, config, model, clock, "not downloaded");
        Download d = backend.download(model, quantization, state -> {
            String message = model + ": " + state.detail() + " · " + state.amount();
            call.progress(state.doneBytes() == null ? 0 : state.doneBytes(), state.totalBytes() == null ? null : state.totalBytes().doubleValue(), message);
        }, abort(call));
        String head = switch (d.state()) {
            case "completed" -> "✅ Downloaded " + d.model() + " to " + backend.label() + " · " + d.amount();
            case "already downloaded" -> "✅ " + d.model() + " is already downloaded on " + backend.label();
            case "stopped" -> "⏸️ " + d.model() + ": " + d.amount() + " - " + d.detail();
            default -> "⏳ Still " + d.state() + " " + d.model() + ": " + d.amount() + " when the download budget (HEARTH_DOWNLOAD_BUDGET) ran out; "
                    + backend.label() + " carries on with job " + d.jobId() + ", and list_models shows the model once it is there";
        };
        var structured = Json.obj("model", d.model(), "backend", backend.kind(), "state", d.state(), "finished", d.finished(), "job_id", d.jobId(),
                "total_bytes", d.totalBytes(), "downloaded_bytes", d.doneBytes(), "detail", d.detail(), "forced", forced);
        return ToolResult.structured(Report.badge(d.model()) + "\n\n" + head + (forced ? "\n⚠️ forced past the work-hours guard" : ""), structured);
    }

    /** The model argument; a tier name (quality, fast, …) stands for its model, as the big-model scripts pass it. */
    private static String model(Args args, Config config) throws java.io.IOException {
        String model = args.string("model").trim();
        if (model.isEmpty()) throw new ToolException("argument 'model' must name a model, got an empty string; list_models shows the names");
        Tiers.Tier tier = Tiers.byName(Tiers.load(config.home()), model);
        return tier != null ? tier.model() : model;
    }

    /** Refuses a big model in guarded hours unless force; returns whether force was what let it through. */
    private static boolean guard(Args args, Config config, String model, Supplier<ZonedDateTime> clock, String outcome) throws Exception {
        boolean force = args.bool("force", false);
        String refusal = Guard.of(State.read(config.statePath()).get(Guard.KEY)).refusal(model, Tiers.load(config.home()), clock.get());
        if (refusal != null && !force) throw new ToolException(outcome + ": " + refusal);
        return refusal != null;
    }

    private static Abort abort(Call call) {
        var abort = new Abort();
        call.onCancel(abort::abort);
        return abort;
    }

    private static ToolResult change(String head, ModelChange c, Backend backend, boolean forced) {
        var text = new StringBuilder(Report.badge(c.model())).append("\n\n").append(head);
        if (c.instance() != null && !c.instance().equals(c.model())) text.append(" as ").append(c.instance());
        if (c.seconds() != null) text.append(" in " + Report.fixed(c.seconds(), 1) + " s");
        if (c.contextLength() != null) text.append(" · context ").append(c.contextLength());
        if (c.note() != null) text.append("\n").append(c.note());
        if (forced) text.append("\n⚠️ forced past the work-hours guard");
        var structured = Json.obj("model", c.model(), "backend", backend.kind(), "state", c.state(), "instance", c.instance(),
                "seconds", c.seconds() == null ? null : Report.round(c.seconds()), "context_length", c.contextLength(), "note", c.note(), "forced", forced);
        return ToolResult.structured(text.toString(), structured);
    }

    private static final String CHANGE_OUTPUT = """
            {"type": "object",
             "properties": {"model": {"type": "string"}, "backend": {"type": "string"},
                            "state": {"type": "string", "description": "loaded, already loaded, loading, unloaded or not loaded"},
                            "instance": {"type": ["string", "null"]}, "seconds": {"type": ["number", "null"]},
                            "context_length": {"type": ["integer", "null"]}, "note": {"type": ["string", "null"]}, "forced": {"type": "boolean"}},
             "required": ["model", "backend", "state", "forced"]}
            """;
}
