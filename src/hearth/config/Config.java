package hearth.config;

import hearth.json.Json;
import hearth.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

// Every setting hearth reads, its flag, environment variable(s), default and meaning, and where
// each current value came from: flag > environment > ~/.hearth/state.json > default. Tools may
// override a value at run time (set_model); get_config shows the source. Limits live here too.
public final class Config {
    /** One setting. `state` is its key in state.json, or null when tools never persist it. */
    public record Setting(String key, String flag, List<String> env, String state, String defaultValue,
                          boolean secret, String help) {}

    /** A value and where it came from, e.g. "env HEARTH_MODEL" or "default". */
    public record Value(String value, String source) {}

    public static final List<Setting> SETTINGS = List.of(
            new Setting("base_url", "--base-url", List.of("HEARTH_BASE_URL", "MLX_BASE_URL", "LM_STUDIO_URL", "OLLAMA_HOST"),
                    "base_url", null, false, "backend URL; unset: probe the well-known local ports"),
            new Setting("backend", "--backend", List.of("HEARTH_BACKEND"), "backend", "auto", false,
                    "auto, openai, ollama, lmstudio, llamacpp, mlx, omlx, vllm"),
            new Setting("model", "--model", List.of("HEARTH_MODEL", "MLX_DEFAULT_MODEL"), "model", null, false,
                    "default model; unset: the backend's loaded or first model"),
            new Setting("api_key", "--api-key", List.of("HEARTH_API_KEY", "MLX_API_KEY", "LM_STUDIO_API_KEY"), null, null, true,
                    "bearer key for secured backends (never printed)"),
            new Setting("timeout", "--timeout", List.of("HEARTH_TIMEOUT", "MLX_TIMEOUT"), null, "120", false,
                    "inference timeout, seconds"),
            new Setting("connect_timeout", "--connect-timeout", List.of("HEARTH_CONNECT_TIMEOUT"), null, "5", false,
                    "backend connect timeout, seconds"),
            new Setting("first_token_timeout", "--first-token-timeout", List.of("HEARTH_FIRST_TOKEN_TIMEOUT"), null, "120", false,
                    "longest wait for a reply's first token (prompt reading), seconds"),
            new Setting("idle_timeout", "--idle-timeout", List.of("HEARTH_IDLE_TIMEOUT"), null, "30", false,
                    "longest silence between two streamed chunks, seconds"),
            new Setting("load_timeout", "--load-timeout", List.of("HEARTH_LOAD_TIMEOUT"), null, "300", false,
                    "longest wait for a model load, seconds"),
            new Setting("download_budget", "--download-budget", List.of("HEARTH_DOWNLOAD_BUDGET"), null, "120", false,
                    "how long download_model watches a download before it returns the job id and state, seconds"),
            new Setting("poll_interval", "--poll-interval", List.of("HEARTH_POLL_INTERVAL"), null, "2", false,
                    "pause between two status polls of a download or a llama-server router load, seconds"),
            new Setting("model_file", "--model-file", List.of("HEARTH_MODEL_FILE"), null, null, false,
                    "a .gguf file hearth runs itself, with no server"),
            new Setting("warm_up", "--warm-up", List.of("HEARTH_WARM_UP"), null, "on", false,
                    "with a model file: load it and warm it up when a client connects (on), or at the first call (off)"),
            new Setting("context_length", "--context-length", List.of("HEARTH_CONTEXT_LENGTH"), null, String.valueOf(Config.ENGINE_MAX_CONTEXT), false,
                    "with a model file: the most tokens a conversation holds, capped by the file's own (0: the file's own); the KV cache grows up to it"),
            new Setting("threads", "--threads", List.of("HEARTH_THREADS"), null, "0", false,
                    "with a model file: threads the engine computes on (0: one per core the JVM sees), as llama-server's -t"),
            new Setting("chat_template", "--chat-template", List.of("HEARTH_CHAT_TEMPLATE"), null, null, false,
                    "with a model file: render chats with this template (chatml, llama3, mistral-v7, ...) instead of the one the file names"),
            new Setting("home", "--home", List.of("HEARTH_HOME"), null, null, false,
                    "state, sessions and the installed jar (default ~/.hearth)"),
            new Setting("tools", "--tools", List.of("HEARTH_TOOLS"), null, "all", false,
                    "comma-separated tool names to expose"),
            new Setting("chat_tool_name", "--chat-tool-name", List.of("HEARTH_CHAT_TOOL_NAME"), null, "chat", false,
                    "name of the chat tool, for several hearths side by side"),
            new Setting("auth_token", "--auth", List.of("HEARTH_AUTH_TOKEN"), null, null, true,
                    "bearer token HTTP clients must send (serve --http)"));

    public static final String VERSION = "0.1.0";

    // Limits. Each bounds something an outside party controls.
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;   // one stdio message; the MCP SDKs use 16 MiB
    public static final int MAX_INFLIGHT_REQUESTS = 64;          // per connection; more waits for a free slot
    public static final int WORKER_THREADS = 16;                 // tool calls mostly wait on a backend, not a core
    public static final int SHUTDOWN_GRACE_SECONDS = 10;         // in-flight work allowed to finish on EOF/SIGTERM
    public static final int MAX_ERROR_BODY_CHARS = 1024;         // backend error bodies quoted in messages
    public static final int ENGINE_MAX_CONTEXT = 8192;           // context_length's default; the engine's KV cache grows as a conversation fills it, and a full 32k one would take ~1 GB
    public static final int PAGE_SIZE = 50;                      // list results per page (tools, prompts, resources)
    public static final int MAX_FILE_BYTES = 256 * 1024;         // one `files` entry of chat; bigger files belong in a session, not a prompt
    public static final int MAX_FILES_TOTAL_BYTES = 1024 * 1024; // all `files` of one chat call together
    public static final int MAX_REPLY_CHARS = 4 * 1024 * 1024;   // one model reply; a runaway generation stops here
    public static final int PROBE_MILLIS = 1500;                 // each port/kind probe; a local server answers in a few ms
    public static final int MAX_SESSION_TURNS = 1000;            // per chat session; past this a new session_id or reset
    public static final int MAX_SESSION_BYTES = 8 * 1024 * 1024; // per session file; checked before a turn, so one reply may pass it
    public static final int MAX_SESSION_HISTORY_CHARS = 64 * 1024; // history sent per turn, newest first: ~16k tokens fits a 32k
                                                                 // context with room to answer; older turns stay on disk

    // HTTP transport (serve --http). Each bounds what a network client controls.
    public static final int HTTP_DEFAULT_PORT = 8931;            // clear of the backends' 1234, 8000, 8080, 11434
    public static final int MAX_HTTP_BODY_BYTES = 4 * 1024 * 1024; // one POSTed message; prompts are text, 4 MiB is plenty
    public static final int MAX_HTTP_SESSIONS = 256;             // legacy-era sessions alive at once; each holds a little state
    public static final int HTTP_SESSION_IDLE_MINUTES = 30;      // a session nobody used for this long is ended (404 after)
    public static final int SSE_KEEPALIVE_SECONDS = 15;          // comment lines keep proxies from closing a quiet stream
                                                                 // and reveal a client that has gone (a write fails)
    public static final int MAX_HTTP_THREADS = 256;              // exchanges served at once; SSE streams hold one each

    private final Map<String, Value> values = new ConcurrentHashMap<>();
    private final Path home;

    private Config(Path home) {
        this.home = home;
    }

    /**
     * Resolves every setting. `flags` maps a setting key to a command-line value; `env` is the
     * process environment (tests pass their own); `userHome` is where ~/.hearth lives by default.
     * A state.json that cannot be read is a JsonException/IOException naming the file.
     */
    public static Config load(Map<String, String> flags, Map<String, String> env, Path userHome) throws IOException {
        String homeFlag = flags.get("home"), homeEnv = env.get("HEARTH_HOME");
        Path home = homeFlag != null ? Path.of(homeFlag) : homeEnv != null && !homeEnv.isBlank() ? Path.of(homeEnv) : userHome.resolve(".hearth");
        var config = new Config(home.toAbsolutePath());
        Map<String, Object> state = readState(config.statePath());
        for (Setting s : SETTINGS) config.values.put(s.key(), resolve(s, flags, env, state, config.statePath()));
        config.values.put("home", new Value(config.home.toString(), homeFlag != null ? "flag --home" : homeEnv != null && !homeEnv.isBlank() ? "env HEARTH_HOME" : "default"));
        return config;
    }

    private static Value resolve(Setting s, Map<String, String> flags, Map<String, String> env, Map<String, Object> state, Path statePath) {
        if (flags.containsKey(s.key())) return new Value(flags.get(s.key()), "flag " + s.flag());
        for (String name : s.env()) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) return new Value(v.trim(), "env " + name);
        }
        if (s.state() != null && state.get(s.state()) instanceof String v && !v.isEmpty()) return new Value(v, "state " + statePath);
        return new Value(s.defaultValue(), "default");
    }

    private static Map<String, Object> readState(Path path) throws IOException {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        try {
            return Json.parseObject(text);
        } catch (JsonException e) {
            throw new IOException("cannot read " + path + ": " + e.getMessage() + " (fix the file or delete it; hearth rewrites it)", e);
        }
    }

    public String get(String key) {
        Value v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no setting named " + key);
        return v.value();
    }

    public Value value(String key) {
        return values.get(key);
    }

    /** A run-time override, e.g. set_model; `source` says who set it. A null value clears to unset. */
    public void set(String key, String value, String source) {
        if (!values.containsKey(key)) throw new IllegalArgumentException("no setting named " + key);
        values.put(key, new Value(value, source));
    }

    public Duration seconds(String key) {
        String v = get(key);
        try {
            double s = Double.parseDouble(v);
            if (s > 0) return Duration.ofMillis((long) (s * 1000));
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(key + " must be a positive number of seconds, got '" + v + "' from " + value(key).source());
    }

    /** A whole number from 0 to max. */
    public int count(String key, int max) {
        String v = get(key);
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0 && n <= max) return n;
        } catch (NumberFormatException | NullPointerException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(key + " must be a whole number from 0 to " + max + ", got '" + v + "' from " + value(key).source());
    }

    /** An on/off setting: on, true, yes or 1; off, false, no or 0. */
    public boolean on(String key) {
        String v = get(key);
        switch (v == null ? "" : v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes", "1": return true;
            case "off", "false", "no", "0": return false;
            default: throw new IllegalArgumentException(key + " must be on or off, got '" + v + "' from " + value(key).source());
        }
    }

    public Path home() {
        return home;
    }

    public Path statePath() {
        return home.resolve("state.json");
    }

    /** Every setting as key → {value, source}; secrets only as "set" / "not set". */
    public Map<String, Object> describe() {
        var out = new LinkedHashMap<String, Object>();
        for (Setting s : SETTINGS) {
            Value v = values.get(s.key());
            Object shown = s.secret() ? (v.value() == null ? "not set" : "set") : v.value();
            out.put(s.key(), Json.obj("value", shown, "source", v.source()));
        }
        return out;
    }
}
