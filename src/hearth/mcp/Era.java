package hearth.mcp;

import hearth.json.Json;
import java.util.List;
import java.util.Map;

// The 2026-07-28 ("modern", stateless) era's rules for one request: it is recognised by its _meta
// protocol version (or by server/discover), validated, and its result completed with resultType,
// serverInfo and, for lists and reads, ttlMs and cacheScope (PROTOCOL.md §2.3, SEP-2549).
final class Era {
    private static final long TTL_MS = 60_000;   // lists change only on restart; a minute of caching is safe
    private static final List<String> CACHEABLE = List.of(Rpc.DISCOVER, Rpc.TOOLS_LIST, Rpc.PROMPTS_LIST, Rpc.RESOURCES_LIST,
            Rpc.RESOURCES_READ, Rpc.RESOURCES_TEMPLATES_LIST);

    private Era() {}

    static boolean isModern(String method, Map<String, Object> meta) {
        return method.equals(Rpc.DISCOVER) || meta.containsKey(Rpc.META_PROTOCOL_VERSION);
    }

    static void validate(Map<String, Object> meta) {
        Object version = meta.get(Rpc.META_PROTOCOL_VERSION);
        if (!(version instanceof String)) {
            throw new RpcException(Rpc.INVALID_PARAMS, "Invalid params: params._meta needs \"" + Rpc.META_PROTOCOL_VERSION + "\" (a string such as \"" + Rpc.MODERN_VERSION + "\")");
        }
        if (!Rpc.MODERN_VERSION.equals(version)) {
            throw new RpcException(Rpc.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + version + " (supported: " + Rpc.MODERN_VERSION
                    + "; versions up to 2025-11-25 begin with initialize)", Json.obj("supported", List.of(Rpc.MODERN_VERSION), "requested", version));
        }
        if (!(meta.get(Rpc.META_CLIENT_CAPABILITIES) instanceof Map)) {
            throw new RpcException(Rpc.INVALID_PARAMS, "Invalid params: params._meta needs \"" + Rpc.META_CLIENT_CAPABILITIES + "\", an object (may be empty)");
        }
    }

    static Map<String, Object> complete(String method, Map<String, Object> result) {
        result.put("resultType", "complete");
        if (CACHEABLE.contains(method)) {
            result.put("ttlMs", TTL_MS);
            result.put("cacheScope", "public");
        }
        var meta = Json.obj();
        if (result.get("_meta") instanceof Map<?, ?> m) m.forEach((k, v) -> meta.put(String.valueOf(k), v));
        meta.put(Rpc.META_SERVER_INFO, McpServer.serverInfo());
        result.put("_meta", meta);
        return result;
    }
}
