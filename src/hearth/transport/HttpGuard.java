package hearth.transport;

import com.sun.net.httpserver.Headers;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

// Who may use the server: the Host and Origin checks that stop DNS rebinding (403, MCP transports
// "Security Warning") and the bearer token (401). Localhost origins are always allowed, others only
// when listed. The token is held here, compared in constant time, and never printed.
final class HttpGuard {
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1", "[::1]");

    private final byte[] token;              // null: no auth configured
    private final List<String> origins;      // extra allowed origins, lower case, no trailing slash
    private final List<String> hosts;        // allowed Host names; empty: any (bound to a wildcard address)

    HttpGuard(InetAddress bind, String bindHost, String token, List<String> allowedOrigins) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.origins = allowedOrigins.stream().map(HttpGuard::normalize).toList();
        var names = new ArrayList<String>();
        if (!bind.isAnyLocalAddress()) {
            names.addAll(LOOPBACK_NAMES);
            names.add(bindHost.toLowerCase(Locale.ROOT));
            names.add(bind.getHostAddress().toLowerCase(Locale.ROOT));
            for (String origin : origins) {
                String host = hostOf(origin);
                if (host != null) names.add(host);
            }
        }
        this.hosts = List.copyOf(names);
    }

    boolean hasToken() {
        return token != null;
    }

    /** Why this request is refused (403), or null when its Host and Origin are acceptable. */
    String refusal(Headers headers) {
        String host = headers.getFirst("Host");
        if (host != null && !hosts.isEmpty() && !hosts.contains(stripPort(host.trim().toLowerCase(Locale.ROOT)))) {
            return "Forbidden: Host '" + host + "' is not this server (expected localhost or the address it listens on)";
        }
        String origin = headers.getFirst("Origin");
        if (origin != null && !originAllowed(origin)) {
            return "Forbidden: Origin '" + origin + "' is not allowed (localhost origins are; add others with --allow-origin)";
        }
        return null;
    }

    /** The request's Origin when it is present and allowed, for the CORS answer headers; else null. */
    String allowedOrigin(Headers headers) {
        String origin = headers.getFirst("Origin");
        return origin != null && originAllowed(origin) ? origin : null;
    }

    /** True when no token is configured, or the request carries "Authorization: Bearer <token>". */
    boolean authorized(Headers headers) {
        if (token == null) return true;
        String value = headers.getFirst("Authorization");
        if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = value.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);   // time depends on the given length only, not on where bytes differ
    }

    private boolean originAllowed(String origin) {
        String normalized = normalize(origin);
        if (origins.contains(normalized)) return true;
        try {
            var uri = new URI(normalized);
            String scheme = uri.getScheme(), host = uri.getHost();
            return ("http".equals(scheme) || "https".equals(scheme)) && host != null && LOOPBACK_NAMES.contains(host);
        } catch (URISyntaxException e) {
            return false;   // "null" and other opaque origins are not localhost
        }
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static String hostOf(String origin) {
        try {
            String host = new URI(origin).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** "127.0.0.1:8931" → "127.0.0.1", "[::1]:8931" → "[::1]", "localhost" → "localhost". */
    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
    }
}
