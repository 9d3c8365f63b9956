package hearth.transport;

import com.sun.net.httpserver.Headers;
import hearth.mcp.Rpc;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

// The 2026-07-28 era on HTTP (PROTOCOL.md §4.2, SEP-2243): which POSTs belong to it, and whether
// their headers agree with their body: MCP-Protocol-Version equals _meta's version, Mcp-Method the
// method, Mcp-Name params.name (tools/call, prompts/get) or params.uri (resources/read). Values may
// be wrapped as =?base64?…?=; whitespace around a value is ignored (RFC 9110 §5.5).
final class ModernHeaders {
    static final String VERSION = "MCP-Protocol-Version";
    static final String METHOD = "Mcp-Method";
    static final String NAME = "Mcp-Name";

    private ModernHeaders() {}

    /** A modern message: server/discover, a _meta protocol version, or the modern version in the header. */
    static boolean isModern(Map<String, Object> message, String headerVersion) {
        return Rpc.DISCOVER.equals(message.get("method")) || meta(message).containsKey(Rpc.META_PROTOCOL_VERSION)
                || Rpc.MODERN_VERSION.equals(headerVersion);
    }

    /** True when _meta has what every modern request needs; otherwise McpServer answers -32602 and HTTP says 400. */
    static boolean hasRequiredMeta(Map<String, Object> message) {
        var meta = meta(message);
        return meta.get(Rpc.META_PROTOCOL_VERSION) instanceof String && meta.get(Rpc.META_CLIENT_CAPABILITIES) instanceof Map;
    }

    /** Why the headers disagree with the body (answered 400 + -32020), or null when they agree. */
    static String mismatch(Map<String, Object> message, Headers headers) {
        String version = trimmed(headers, VERSION);
        Object metaVersion = meta(message).get(Rpc.META_PROTOCOL_VERSION);
        if (metaVersion instanceof String v && !v.equals(version)) {
            return "Header mismatch: " + VERSION + " is " + (version == null ? "missing" : "'" + version + "'")
                    + " but params._meta says '" + v + "'; send the same version in both";
        }
        if (!(message.get("method") instanceof String method)) return null;
        String methodHeader = trimmed(headers, METHOD);
        if (!method.equals(methodHeader)) {
            return "Header mismatch: " + METHOD + " is " + (methodHeader == null ? "missing" : "'" + methodHeader + "'")
                    + " but the body's method is '" + method + "'; MCP 2026-07-28 requires the header on every request";
        }
        String key = method.equals(Rpc.TOOLS_CALL) || method.equals(Rpc.PROMPTS_GET) ? "name" : method.equals(Rpc.RESOURCES_READ) ? "uri" : null;
        Object expected = key == null || !(message.get("params") instanceof Map<?, ?> p) ? null : p.get(key);
        if (!(expected instanceof String name)) return null;
        String nameHeader = trimmed(headers, NAME);
        String decoded = nameHeader == null ? null : decode(nameHeader);
        if (!name.equals(decoded)) {
            return "Header mismatch: " + NAME + " is " + (nameHeader == null ? "missing" : "'" + nameHeader + "'")
                    + " but params." + key + " is '" + name + "'; send the same value (=?base64?…?= for non-ASCII)";
        }
        return null;
    }

    /** The value of a =?base64?…?= wrapper, or the value itself; null when the Base64 is invalid. */
    static String decode(String value) {
        if (!value.startsWith("=?base64?") || !value.endsWith("?=") || value.length() < 11) return value;
        try {
            return new String(Base64.getDecoder().decode(value.substring(9, value.length() - 2)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String trimmed(Headers headers, String name) {
        String value = headers.getFirst(name);
        return value == null ? null : value.strip();
    }

    private static Map<?, ?> meta(Map<String, Object> message) {
        return message.get("params") instanceof Map<?, ?> p && p.get("_meta") instanceof Map<?, ?> m ? m : Map.of();
    }
}
