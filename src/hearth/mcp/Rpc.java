package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;

// JSON-RPC 2.0 envelopes, MCP method names and error codes, spelled once, exactly as the specs do.
public final class Rpc {
    private Rpc() {}

    // JSON-RPC 2.0 §5.1, MCP basic/index "Error Codes"
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int RESOURCE_NOT_FOUND = -32002;              // legacy eras; 2026-07-28 uses -32602
    public static final int HEADER_MISMATCH = -32020;                 // 2026-07-28
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;    // 2026-07-28

    public static final String INITIALIZE = "initialize";
    public static final String INITIALIZED = "notifications/initialized";
    public static final String PING = "ping";
    public static final String DISCOVER = "server/discover";
    public static final String TOOLS_LIST = "tools/list";
    public static final String TOOLS_CALL = "tools/call";
    public static final String PROMPTS_LIST = "prompts/list";
    public static final String PROMPTS_GET = "prompts/get";
    public static final String RESOURCES_LIST = "resources/list";
    public static final String RESOURCES_READ = "resources/read";
    public static final String RESOURCES_TEMPLATES_LIST = "resources/templates/list";
    public static final String LOGGING_SET_LEVEL = "logging/setLevel";
    public static final String COMPLETION_COMPLETE = "completion/complete";
    public static final String ROOTS_LIST = "roots/list";
    public static final String CANCELLED = "notifications/cancelled";
    public static final String PROGRESS = "notifications/progress";
    public static final String MESSAGE = "notifications/message";
    public static final String ROOTS_LIST_CHANGED = "notifications/roots/list_changed";

    // Protocol versions, newest first. Legacy eras begin with initialize; the modern era is stateless.
    public static final String MODERN_VERSION = "2026-07-28";
    public static final List<String> LEGACY_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    public static final List<String> ALL_VERSIONS = List.of(MODERN_VERSION, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    // 2026-07-28 _meta keys (basic/versioning)
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    public static Map<String, Object> result(Object id, Map<String, Object> result) {
        return Json.obj("jsonrpc", "2.0", "id", id, "result", result);
    }

    public static Map<String, Object> error(Object id, int code, String message, Object data) {
        var error = Json.obj("code", (long) code, "message", message);
        if (data != null) error.put("data", data);
        return Json.obj("jsonrpc", "2.0", "id", id, "error", error);
    }

    public static Map<String, Object> notification(String method, Map<String, Object> params) {
        return Json.obj("jsonrpc", "2.0", "method", method, "params", params);
    }

    public static Map<String, Object> request(Object id, String method, Map<String, Object> params) {
        return Json.obj("jsonrpc", "2.0", "id", id, "method", method, "params", params);
    }
}
