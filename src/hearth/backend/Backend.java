package hearth.backend;

import hearth.config.Config;
import java.nio.file.Path;
import java.util.List;

// The backend as the tools see it: where it is, what kind it is and which model to use, all found
// lazily on first use (never while answering initialize) and cached until forget(). Wraps each
// failure with advice: a backend that cannot be reached gets the URL tried and how to start one.
public final class Backend {
    private record Target(OpenAiClient http, Dialect dialect, boolean discovered) {}

    private final Config config;
    private final List<Integer> ports;
    private final Embedded engine;          // with a model file: hearth's own engine, for the Backend's whole life
    private volatile Target target;
    private volatile String detectedModel;

    public Backend(Config config) {
        this(config, Discovery.PORTS);
    }

    /** `ports`: where to look when no URL is configured (tests pass their own). */
    public Backend(Config config, List<Integer> ports) {
        this.config = config;
        this.ports = ports;
        String file = config.get("model_file");
        // its settings are read now: one the engine cannot take stops the start, not the first call
        this.engine = file == null || file.isBlank() ? null : new Embedded(Path.of(file), config);
    }

    public String baseUrl() {
        Target t = target();
        return t.dialect instanceof Embedded e ? e.location() : t.http.baseUrl;
    }

    public String kind() {
        return target().dialect.kind();
    }

    public String label() {
        return target().dialect.label();
    }

    /** Whether the URL came from probing the well-known ports rather than from configuration. */
    public boolean discovered() {
        return target().discovered;
    }

    /** The configured model, else the one the backend reports (cached), else null. */
    public String model() {
        String configured = config.get("model");
        if (configured != null && !configured.isBlank()) return configured;
        String m = detectedModel;
        if (m == null) m = detectedModel = advise(() -> target().dialect.defaultModel(target().http));
        return m;
    }

    public List<ModelInfo> models() {
        return advise(() -> target().dialect.models(target().http));
    }

    public Health health() {
        return advise(() -> target().dialect.health(target().http));
    }

    /** Runs a chat; the request's model (or the default one) must be known where the backend requires it. */
    public ChatReply chat(ChatRequest request, boolean stream, Tokens tokens, Abort abort) {
        String model = request.model() != null ? request.model() : model();
        if (model == null && target().dialect.needsModel()) {
            throw new BackendException(BackendException.Kind.NO_MODEL, label() + " needs a model name with every request (it answers 422 "
                    + "without one) and reports no default - set HEARTH_MODEL, or call set_model with one list_models shows");
        }
        ChatRequest r = request.withModel(model);
        return advise(() -> target().dialect.chat(target().http, r, stream, tokens, abort));
    }

    public List<List<Double>> embed(String model, List<String> input, Abort abort) {
        return advise(() -> target().dialect.embed(target().http, model != null ? model : model(), input, abort));
    }

    public ModelChange load(String model, LoadOptions options, Abort abort) {
        Polling polling = Polling.of(config);
        try {
            return advise(() -> target().dialect.load(target().http, model, options, polling, abort));
        } catch (BackendException e) {
            if (e.kind != BackendException.Kind.TIMEOUT) throw e;
            throw new BackendException(e.kind, e.status, label() + " did not finish loading " + model + " within " + polling.load().toSeconds()
                    + " s - it may still be loading (list_models shows it); for a big model raise HEARTH_LOAD_TIMEOUT", e);
        }
    }

    public ModelChange unload(String model, Abort abort) {
        return advise(() -> target().dialect.unload(target().http, model, Polling.of(config), abort));
    }

    /** Downloads for up to HEARTH_DOWNLOAD_BUDGET, telling `progress` each state; returns the last one. */
    public Download download(String model, String quantization, java.util.function.Consumer<Download> progress, Abort abort) {
        return advise(() -> target().dialect.download(target().http, model, quantization, Polling.of(config), progress, abort));
    }

    /** Drops what was found (URL, kind, default model), so the next call looks again. */
    public void forget() {
        target = null;
        detectedModel = null;
    }

    /**
     * With a model file, loads it in the background and runs it through a few tokens (see
     * LocalChat.warmUp), so the client's first call answers as fast as later ones instead of
     * waiting for the load and the JIT; a failure is left for that call to report. Servers are
     * still found on first use.
     */
    public void prepare() {
        if (engine == null) return;
        var warm = new Thread(() -> {
            try {
                engine.warmUp();
            } catch (RuntimeException e) {
                // the first call loads again and reports why it cannot
            }
        }, "hearth-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /**
     * With a model file: what it holds (architecture, size, context, template), read without loading
     * its weights; a BackendException says why hearth cannot run it. Null when hearth talks to a server.
     */
    public String modelFileReport() {
        return engine == null ? null : engine.describe();
    }

    /** How to start each backend hearth knows, one per line. */
    public static String startHints() {
        var text = new StringBuilder();
        for (Dialect d : Discovery.DIALECTS) {
            if (d.defaultPort() != 0) text.append("\n  ").append(d.label()).append(" (port ").append(d.defaultPort()).append("): ").append(d.startHint());
        }
        return text.toString();
    }

    private Target target() {
        Target t = target;
        if (t != null) return t;
        synchronized (this) {
            if (target != null) return target;
            if (engine != null) {                              // no server: hearth runs the file itself, loaded once however often forget() runs
                target = new Target(null, engine, false);
                return target;
            }
            var timeouts = OpenAiClient.Timeouts.of(config);
            String key = config.get("api_key");
            Dialect named = Discovery.named(config.get("backend"));
            String url = config.get("base_url");
            boolean discovered = url == null || url.isBlank();
            if (discovered) {
                url = Discovery.probePorts(Discovery.preferring(ports, named), key, timeouts);
                if (url == null) {
                    throw new BackendException(BackendException.Kind.UNREACHABLE, "no local model server found: hearth tried "
                            + String.join(", ", ports.stream().map(p -> "http://127.0.0.1:" + p).toList())
                            + ". Start one, or set HEARTH_BASE_URL to where yours listens:" + startHints());
                }
            } else {
                url = Discovery.normalize(url);
            }
            var http = new OpenAiClient(url, key, timeouts);
            Dialect dialect = named;
            if (dialect == null) {
                try {
                    dialect = Discovery.detect(http);
                } catch (BackendException e) {
                    throw withAdvice(e, null);
                }
                if (dialect == null) dialect = Discovery.DIALECTS.get(Discovery.DIALECTS.size() - 1);
            }
            target = new Target(http, dialect, discovered);
            return target;
        }
    }

    private <T> T advise(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (BackendException e) {
            Target t = target;
            if (e.kind == BackendException.Kind.UNREACHABLE && t != null && t.discovered) forget();   // it may have moved: look again next time
            throw withAdvice(e, t == null ? null : t.dialect);
        }
    }

    private static BackendException withAdvice(BackendException e, Dialect dialect) {
        if (e.kind != BackendException.Kind.UNREACHABLE || e.getMessage().contains("Start one")) return e;
        String advice = dialect != null && dialect.defaultPort() != 0 ? " Start it: " + dialect.startHint()
                      : " Start one, or set HEARTH_BASE_URL to where yours listens:" + startHints();
        String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";   // the advice is a sentence of its own
        return new BackendException(e.kind, e.status, message + advice, e.getCause());
    }
}
