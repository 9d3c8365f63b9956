package hearth.backend;

import hearth.json.Json;
import java.util.List;
import java.util.Map;

// llama.cpp's llama-server (port 8080): /health ({"status":"ok"}, 503 while loading), /props
// (build, model path, context size), /v1/models with a `meta` block, and `timings` in every reply
// (prompt and generation speed as the server measured them). In router mode (started without -m)
// it lists models with a status and loads and unloads them (tools/server/README.md, "Using
// multiple models"); a single-model server answers how to start one.
final class LlamaCpp implements Dialect {
    private static final String LOAD = "/models/load";
    private static final String UNLOAD = "/models/unload";

    public String kind() { return "llamacpp"; }

    public String label() { return "llama-server"; }

    public int defaultPort() { return 8080; }

    public String startHint() { return "llama-server -m model.gguf --port 8080 --jinja"; }

    @Override
    public Health health(OpenAiClient http) {
        http.get("/health", http.timeouts.connect().plusSeconds(5));
        Map<String, Object> props = Completions.map(http.get("/props", http.timeouts.connect().plusSeconds(5)));
        var models = models(http);
        int loaded = (int) models.stream().filter(m -> Boolean.TRUE.equals(m.loaded())).count();   // a router lists unloaded ones too
        return new Health(kind(), Completions.text(props.get("build_info")), loaded, models.size(), null);
    }

    /** A router lists every model with status.value (loaded, loading, unloaded, …); a single-model server only its one, loaded. */
    @Override
    public ModelInfo model(Map<String, Object> entry) {
        Map<String, Object> meta = Completions.map(entry.get("meta"));
        Object status = Completions.map(entry.get("status")).get("value");
        return new ModelInfo(String.valueOf(entry.get("id")), status == null || status.equals("loaded"), Completions.number(meta.get("size")), null,
                Completions.number(meta.get("n_ctx_train")), null);
    }

    /** llama-server serves /v1/embeddings only with a pooled model; without one its 400 gets the fix added. */
    @Override
    public List<List<Double>> embed(OpenAiClient http, String model, List<String> input, Abort abort) {
        try {
            return Dialect.super.embed(http, model, input, abort);
        } catch (BackendException e) {
            if (e.status != 400 || !e.getMessage().contains("Pooling type")) throw e;
            throw new BackendException(e.kind, e.status, e.getMessage() + " - restart llama-server with --embeddings --pooling mean "
                    + "(or cls/last), or load an embedding model", e.getCause());
        }
    }

    @Override
    public void extras(Map<String, Object> json, Answer answer) {
        if (!(json.get("timings") instanceof Map<?, ?> raw)) return;
        Map<String, Object> t = Completions.map(raw);
        if (t.get("predicted_per_second") instanceof Number n && n.doubleValue() > 0) answer.tokensPerSecond = n.doubleValue();
        if (t.get("prompt_ms") instanceof Number n) answer.ttftSeconds = n.doubleValue() / 1000;
        if (answer.promptTokens == null && t.get("prompt_n") instanceof Number n) answer.promptTokens = n.longValue();
        if (answer.completionTokens == null && t.get("predicted_n") instanceof Number n) answer.completionTokens = n.longValue();
    }

    /** The router starts the model's own process and answers at once; /models is then watched until it is loaded or has failed. */
    @Override
    public ModelChange load(OpenAiClient http, String model, LoadOptions o, Polling polling, Abort abort) {
        for (String argument : List.of("context_length", "gpu", "flash_attention", "ttl")) {
            o.refuse(argument, "llama-server's router", "each model runs with the router's own flags or its --models-preset section"
                    + " (c = 8192, n-gpu-layers = 99, flash-attn = on); set it there");
        }
        long started = System.nanoTime();
        try {
            http.post(LOAD, Json.obj("model", model), abort);
        } catch (BackendException e) {
            if (e.status == 404) throw routerOnly(http, model, e);
            if (e.status != 400 || !e.getMessage().contains("already running")) throw e;
            return new ModelChange(model, model, "already loaded", null, null, null);
        }
        return watch(http, model, "loaded", started, polling, abort);
    }

    @Override
    public ModelChange unload(OpenAiClient http, String model, Polling polling, Abort abort) {
        long started = System.nanoTime();
        try {
            http.post(UNLOAD, Json.obj("model", model), abort);
        } catch (BackendException e) {
            if (e.status == 404) throw routerOnly(http, model, e);
            if (e.status == 400 && e.getMessage().contains("not running")) return new ModelChange(model, model, "not loaded", null, null, null);
            if (e.status == 400 && e.getMessage().contains("not found")) throw unknown(http, model);
            throw e;
        }
        return watch(http, model, "unloaded", started, polling, abort);
    }

    @Override
    public String lifecycleHint() {
        return "llama-server downloads at start-up: `llama-server -hf <user>/<repo>:<quant>` (router mode: restart it afterwards), "
                + "or put the .gguf file in its --models-dir";
    }

    /** Polls the router's list until `model` reaches `wanted`, fails to start, or HEARTH_LOAD_TIMEOUT passes ("loading" then). */
    private ModelChange watch(OpenAiClient http, String model, String wanted, long started, Polling polling, Abort abort) {
        long until = started + polling.load().toNanos();
        while (true) {
            Map<String, Object> status = Completions.map(entry(http, model).get("status"));
            String value = String.valueOf(status.get("value"));
            double seconds = (System.nanoTime() - started) / 1e9;
            if (Boolean.TRUE.equals(status.get("failed")) && wanted.equals("loaded")) {
                throw new BackendException(BackendException.Kind.FAILED, "llama-server could not start " + model + " (its process exited with "
                        + status.get("exit_code") + ") - the router's log says why; often too little memory or a context too large for it");
            }
            if (value.equals(wanted)) return new ModelChange(model, model, wanted, seconds, null, null);
            long left = until - System.nanoTime();
            if (left <= 0) {
                return new ModelChange(model, model, value, seconds, null, "still " + value + " after " + polling.load().toSeconds()
                        + " s (HEARTH_LOAD_TIMEOUT); list_models shows when it is done");
            }
            polling.pause(abort, left);
            if (abort.aborted()) throw http.cancelled("/models");
        }
    }

    private static Map<String, Object> entry(OpenAiClient http, String model) {
        for (var m : Completions.list(http.get("/models", http.timeouts.total()), "data", http, "/models")) {
            if (model.equals(m.get("id"))) return m;
        }
        throw unknown(http, model);
    }

    /** A 404 on /models/load: either a single-model server (no such route) or a router without that model; /props tells which. */
    private static BackendException routerOnly(OpenAiClient http, String model, BackendException e) {
        Map<String, Object> props = Completions.map(http.get("/props", http.timeouts.connect().plusSeconds(5)));
        if ("router".equals(props.get("role"))) return unknown(http, model);
        return new BackendException(BackendException.Kind.UNSUPPORTED, 0, "llama-server at " + http.baseUrl + " runs the one model it was "
                + "started with (-m), so it cannot load or unload models. Start it in router mode instead, without -m: "
                + "`llama-server --models-dir <folder of .gguf files> --models-max 1` (or --models-preset <file.ini>); "
                + "then load_model and unload_model work, and list_models shows every model in that folder", e);
    }

    private static BackendException unknown(OpenAiClient http, String model) {
        var ids = Completions.list(http.get("/models", http.timeouts.total()), "data", http, "/models").stream()
                .map(m -> String.valueOf(m.get("id"))).toList();
        return new BackendException(BackendException.Kind.UNKNOWN_MODEL, "llama-server's router has no model '" + model + "'; it has: "
                + (ids.isEmpty() ? "(none)" : String.join(", ", ids)) + " - add the .gguf to its --models-dir and restart it, or pick one of these");
    }
}
