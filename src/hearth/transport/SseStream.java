package hearth.transport;

import hearth.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

// One Server-Sent Events stream (text/event-stream) on an HTTP response body: JSON-RPC messages as
// "event: message" events, an optional priming event, and comment lines as keep-alives. Event ids
// are unique across the process (stream number, then a counter). A failed write means the client
// has gone: the stream is then closed for good and every later write returns false.
final class SseStream {
    private static final AtomicLong STREAMS = new AtomicLong();

    private final OutputStream out;
    private final String idPrefix = STREAMS.incrementAndGet() + "-";
    private long nextEvent = 1;
    private boolean closed;

    SseStream(OutputStream out) {
        this.out = out;
    }

    /** MCP 2025-11-25 transports, "Sending Messages": an event id with empty data, sent first. */
    synchronized boolean prime() {
        return write("id: " + idPrefix + nextEvent++ + "\ndata: \n\n");
    }

    synchronized boolean send(Map<String, Object> message) {
        // Json.write never emits a raw newline, so the message fits one data: line
        return write("event: message\nid: " + idPrefix + nextEvent++ + "\ndata: " + Json.write(message) + "\n\n");
    }

    /** A comment line: ignored by clients, keeps proxies from closing a quiet stream, and finds a client that has gone. */
    synchronized boolean keepAlive() {
        return write(": keep-alive\n\n");
    }

    private boolean write(String text) {
        if (closed) return false;
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();   // one chunk per event: the client sees it now, not when a buffer fills
            return true;
        } catch (IOException e) {
            closed = true;
            return false;
        }
    }
}
