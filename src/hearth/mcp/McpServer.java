package hearth.mcp;

import hearth.config.Config;
import hearth.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

// The MCP server without I/O: a transport hands it each parsed message with the connection's
// Session and a sink for what goes back; requests run on a bounded pool and their response (or
// nothing, once cancelled) goes to the sink. Serves the legacy eras (initialize, 2024-11-05 to
// 2025-11-25) and the stateless 2026-07-28 era side by side (PROTOCOL.md §2.3, "dual-era").
public final class McpServer {
    private static final String INSTRUCTIONS = "hearth runs prompts on a model on this machine (🏠 LOCAL): private, free, "
            + "no network. Use it for drafts, summaries, reviews and questions that need no outside knowledge.";

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final List<Prompt> prompts;
    private final List<Resource> resources;
    private final ExecutorService workers;
    private final Semaphore slots = new Semaphore(Config.MAX_INFLIGHT_REQUESTS);
    private final AtomicBoolean readied = new AtomicBoolean();              // whether onInitialized has run
    private volatile Runnable onInitialized = () -> { };

    public McpServer(List<Tool> tools, List<Prompt> prompts, List<Resource> resources) {
        for (Tool t : tools) {
            if (this.tools.put(t.name(), t) != null) throw new IllegalArgumentException("two tools named " + t.name());
        }
        this.prompts = List.copyOf(prompts);
        this.resources = List.copyOf(resources);
        this.workers = Executors.newFixedThreadPool(Config.MAX_INFLIGHT_REQUESTS, r -> {
            var t = new Thread(r, "hearth-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs once, when the first client says it is initialized; it must not block (start a thread). */
    public void onInitialized(Runnable hook) {
        this.onInitialized = hook;
    }

    public List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    /**
     * Takes one parsed message. Requests run on the pool (this blocks while all slots are busy);
     * notifications and responses are handled at once, so a cancel is never stuck behind work.
     */
    public void accept(Object message, Session session, Consumer<Map<String, Object>> out) {
        if (!(message instanceof Map<?, ?> raw)) {
            String why = message instanceof List ? "a batch (JSON array); batches were removed in MCP 2025-06-18, send one message per line"
                                                 : "a JSON-RPC 2.0 object";
            out.accept(Rpc.error(null, Rpc.INVALID_REQUEST, "Invalid request: expected " + why, null));
            return;
        }
        @SuppressWarnings("unchecked") var msg = (Map<String, Object>) raw;
        Object id = msg.get("id");
        boolean validId = id instanceof String || id instanceof Long;
        if (!"2.0".equals(msg.get("jsonrpc"))) {
            out.accept(Rpc.error(validId ? id : null, Rpc.INVALID_REQUEST, "Invalid request: expected \"jsonrpc\": \"2.0\"", null));
            return;
        }
        if (!msg.containsKey("method")) {
            if (validId && (msg.containsKey("result") || msg.containsKey("error"))) session.complete(id, msg);
            else out.accept(Rpc.error(validId ? id : null, Rpc.INVALID_REQUEST, "Invalid request: expected a \"method\", or a response with \"result\" or \"error\"", null));
            return;
        }
        if (!(msg.get("method") instanceof String method)) {
            out.accept(Rpc.error(validId ? id : null, Rpc.INVALID_REQUEST, "Invalid request: \"method\" must be a string", null));
            return;
        }
        Object params = msg.getOrDefault("params", Json.obj());
        if (!msg.containsKey("id")) {
            if (params instanceof Map<?, ?> p) notification(method, p, session);
            return;
        }
        if (!validId) {
            out.accept(Rpc.error(null, Rpc.INVALID_REQUEST, "Invalid request: \"id\" must be a string or an integer", null));
            return;
        }
        if (!(params instanceof Map<?, ?> p)) {
            out.accept(Rpc.error(id, Rpc.INVALID_PARAMS, "Invalid params: expected \"params\" to be an object", null));
            return;
        }
        @SuppressWarnings("unchecked") var paramMap = (Map<String, Object>) p;
        Map<String, Object> meta = paramMap.get("_meta") instanceof Map<?, ?> m ? cast(m) : Map.of();
        String level = Era.isModern(method, meta) ? (Call.isLevel(meta.get(Rpc.META_LOG_LEVEL)) ? (String) meta.get(Rpc.META_LOG_LEVEL) : null)
                                                  : session.logLevel;
        var call = new Call(id, meta.get("progressToken"), level, out, session);
        if (method.equals(Rpc.INITIALIZE)) {   // inline: what it negotiates must be in place before the next line is read
            out.accept(respond(id, method, paramMap, meta, session, call));
            return;
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (session.inflight.putIfAbsent(id, call) != null) {
            slots.release();
            out.accept(Rpc.error(id, Rpc.INVALID_REQUEST, "Invalid request: id " + Json.write(id) + " is already in use by a running request", null));
            return;
        }
        workers.execute(() -> {
            try {
                call.start();
                Map<String, Object> response = respond(id, method, paramMap, meta, session, call);
                if (!call.isCancelled()) out.accept(response);  // MCP cancellation: no response after a cancel
            } finally {
                call.finish();
                session.inflight.remove(id, call);
                slots.release();
            }
        });
    }

    /** Stops taking work and waits, up to the grace period, for what is running. */
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(Config.SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) workers.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    private Map<String, Object> respond(Object id, String method, Map<String, Object> params, Map<String, Object> meta,
                                        Session session, Call call) {
        try {
            if (Era.isModern(method, meta)) {
                Era.validate(meta);
                return Rpc.result(id, Era.complete(method, modern(method, params, call)));
            }
            return Rpc.result(id, legacy(method, params, session, call));
        } catch (RpcException e) {
            return Rpc.error(id, e.code, e.getMessage(), e.data);
        } catch (RuntimeException e) {
            System.err.println("hearth: internal error in " + method + ":");
            e.printStackTrace();
            return Rpc.error(id, Rpc.INTERNAL_ERROR, "internal error: " + e, null);
        }
    }

    private Map<String, Object> legacy(String method, Map<String, Object> params, Session session, Call call) {
        if (method.equals(Rpc.INITIALIZE)) return initialize(params, session);
        if (method.equals(Rpc.PING)) return Json.obj();
        if (session.protocolVersion == null) {
            throw RpcException.invalidParams("Invalid params: send initialize first (MCP up to 2025-11-25), or put \""
                    + Rpc.META_PROTOCOL_VERSION + "\" and \"" + Rpc.META_CLIENT_CAPABILITIES + "\" in params._meta (MCP 2026-07-28)");
        }
        if (method.equals(Rpc.LOGGING_SET_LEVEL)) {
            if (!Call.isLevel(params.get("level"))) throw RpcException.invalidParams("Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency");
            session.logLevel = (String) params.get("level");
            return Json.obj();
        }
        return features(method, params, call, false);
    }

    private Map<String, Object> modern(String method, Map<String, Object> params, Call call) {
        if (method.equals(Rpc.DISCOVER)) {
            var result = Json.obj("supportedVersions", Rpc.ALL_VERSIONS, "capabilities", capabilities(false), "instructions", INSTRUCTIONS);
            return result;
        }
        return features(method, params, call, true);
    }

    private Map<String, Object> features(String method, Map<String, Object> params, Call call, boolean modern) {
        switch (method) {
            case Rpc.TOOLS_LIST: return page(params, "tools", tools.values().stream().map(Tool::toJson).toList());
            case Rpc.TOOLS_CALL: return callTool(params, call);
            case Rpc.PROMPTS_LIST: return page(params, "prompts", prompts.stream().map(Prompt::toJson).toList());
            case Rpc.PROMPTS_GET: return getPrompt(params);
            case Rpc.RESOURCES_LIST: return page(params, "resources", resources.stream()
                    .flatMap(r -> r.isTemplate() ? r.instances().get().stream() : java.util.stream.Stream.of(r)).map(Resource::toJson).toList());
            case Rpc.RESOURCES_TEMPLATES_LIST: return page(params, "resourceTemplates", resources.stream().filter(Resource::isTemplate).map(Resource::toJson).toList());
            case Rpc.RESOURCES_READ: return readResource(params, modern);
            default: throw new RpcException(Rpc.METHOD_NOT_FOUND, "Unknown method: " + method);
        }
    }

    private Map<String, Object> initialize(Map<String, Object> params, Session session) {
        if (session.protocolVersion != null) throw new RpcException(Rpc.INVALID_REQUEST, "Invalid request: this session is already initialized; start a new connection to initialize again");
        Object requested = params.get("protocolVersion");
        if (!(requested instanceof String)) throw RpcException.invalidParams("Invalid params: initialize needs \"protocolVersion\", a string such as \"" + Rpc.LEGACY_VERSIONS.get(0) + "\"");
        // MCP lifecycle "Version Negotiation": an unsupported version is answered with our latest, not an error
        String version = Rpc.LEGACY_VERSIONS.contains(requested) ? (String) requested : Rpc.LEGACY_VERSIONS.get(0);
        session.clientCapabilities = params.get("capabilities") instanceof Map<?, ?> c ? cast(c) : Map.of();
        session.clientInfo = params.get("clientInfo") instanceof Map<?, ?> c ? cast(c) : Map.of();
        session.protocolVersion = version;
        return Json.obj("protocolVersion", version, "capabilities", capabilities(true), "serverInfo", serverInfo(), "instructions", INSTRUCTIONS);
    }

    private Map<String, Object> capabilities(boolean legacy) {
        var caps = Json.obj("tools", Json.obj("listChanged", false));
        if (!prompts.isEmpty()) caps.put("prompts", Json.obj("listChanged", false));
        if (!resources.isEmpty()) caps.put("resources", Json.obj("subscribe", false, "listChanged", false));
        if (legacy) caps.put("logging", Json.obj());
        return caps;
    }

    static Map<String, Object> serverInfo() {
        return Json.obj("name", "hearth", "title", "hearth 🏠 local models", "version", Config.VERSION,
                "description", "Tools that call a model running on this machine");
    }

    private Map<String, Object> callTool(Map<String, Object> params, Call call) {
        if (!(params.get("name") instanceof String name)) throw RpcException.invalidParams("Invalid params: tools/call needs \"name\", a string");
        Tool tool = tools.get(name);
        if (tool == null) throw RpcException.invalidParams("Unknown tool: " + name + " (tools/list names the tools)");
        Object arguments = params.getOrDefault("arguments", Json.obj());
        if (arguments == null) arguments = Json.obj();
        if (!(arguments instanceof Map<?, ?> a)) throw RpcException.invalidParams("Invalid params: \"arguments\" must be an object");
        return run(tool, cast(a), call).toJson();
    }

    /** Runs a tool and turns every failure the caller can act on into an isError result. */
    public static ToolResult run(Tool tool, Map<String, Object> arguments, Call call) {
        try {
            return tool.handler().call(new Args(arguments, tool.inputSchema()), call);
        } catch (ToolException e) {
            return ToolResult.error(e.getMessage());
        } catch (IOException e) {
            return ToolResult.error(tool.name() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.error(tool.name() + " was cancelled");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            return ToolResult.error(tool.name() + " failed: " + e);
        }
    }

    private Map<String, Object> getPrompt(Map<String, Object> params) {
        Prompt prompt = prompts.stream().filter(p -> p.name().equals(params.get("name"))).findFirst()
                .orElseThrow(() -> RpcException.invalidParams("Unknown prompt: " + params.get("name") + " (prompts/list names the prompts)"));
        var values = new LinkedHashMap<String, String>();
        if (params.get("arguments") instanceof Map<?, ?> args) {
            args.forEach((k, v) -> { if (v != null) values.put(String.valueOf(k), String.valueOf(v)); });
        }
        for (Prompt.Argument a : prompt.arguments()) {
            if (a.required() && !values.containsKey(a.name())) throw RpcException.invalidParams("Invalid params: prompt " + prompt.name() + " needs argument '" + a.name() + "'");
        }
        var message = Json.obj("role", "user", "content", Json.obj("type", "text", "text", prompt.render().apply(values)));
        return Json.obj("description", prompt.description(), "messages", List.of(message));
    }

    private Map<String, Object> readResource(Map<String, Object> params, boolean modern) {
        if (!(params.get("uri") instanceof String uri)) throw RpcException.invalidParams("Invalid params: resources/read needs \"uri\", a string");
        for (Resource r : resources) {
            var text = r.reader().apply(uri);
            if (text.isPresent()) return Json.obj("contents", List.of(Json.obj("uri", uri, "mimeType", r.mimeType(), "text", text.get())));
        }
        // MCP server/resources "Error Handling": -32002 up to 2025-11-25, -32602 from 2026-07-28
        throw new RpcException(modern ? Rpc.INVALID_PARAMS : Rpc.RESOURCE_NOT_FOUND, "Resource not found: " + uri, Json.obj("uri", uri));
    }

    /** One page of a list; the cursor is the base64 of "<kind>:<offset>" and anything else is -32602. */
    private static Map<String, Object> page(Map<String, Object> params, String kind, List<Map<String, Object>> all) {
        int offset = 0;
        Object cursor = params.get("cursor");
        if (cursor != null) {
            String decoded = "";
            try {
                decoded = cursor instanceof String c ? new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8) : "";
            } catch (IllegalArgumentException e) {
                // not base64: falls through to the error below
            }
            if (!decoded.matches(kind + ":\\d{1,9}") || (offset = Integer.parseInt(decoded.substring(kind.length() + 1))) > all.size()) {
                throw RpcException.invalidParams("Invalid params: cursor " + Json.write(cursor) + " is not one this server gave out; list again without a cursor");
            }
        }
        int end = Math.min(all.size(), offset + Config.PAGE_SIZE);
        var result = Json.obj(kind, new ArrayList<Object>(all.subList(offset, end)));
        if (end < all.size()) result.put("nextCursor", Base64.getUrlEncoder().encodeToString((kind + ":" + end).getBytes(StandardCharsets.UTF_8)));
        return result;
    }

    private void notification(String method, Map<?, ?> params, Session session) {
        switch (method) {
            case Rpc.INITIALIZED -> {
                session.initialized = true;
                if (!readied.getAndSet(true)) onInitialized.run();
            }
            case Rpc.CANCELLED -> {
                Call call = session.inflight.get(params.get("requestId"));
                if (call != null) call.cancel();   // unknown or finished ids are ignored (basic/utilities/cancellation)
            }
            case Rpc.ROOTS_LIST_CHANGED -> session.rootsChanged();
            default -> { } // other notifications need no action
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
