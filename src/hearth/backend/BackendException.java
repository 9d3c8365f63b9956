package hearth.backend;

// A backend call that failed for a reason the caller can act on. `kind` lets a tool add the right
// advice (how to start a backend, which key to set); the message already says what, where and how to fix.
public final class BackendException extends RuntimeException {
    public enum Kind { UNREACHABLE, TIMEOUT, HTTP_STATUS, MALFORMED, CANCELLED, UNSUPPORTED, NO_MODEL, UNKNOWN_MODEL, FAILED }

    public final Kind kind;
    public final int status;   // the HTTP status for HTTP_STATUS, else 0

    public BackendException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public BackendException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }
}
