// The one unchecked exception of the engine layer: an unreadable or unsupported model file, a bad
// option, a prompt too long for the context. The message says what was expected, what was found,
// where, and how to fix it.
package hearth.engine;

public final class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
