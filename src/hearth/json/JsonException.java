package hearth.json;

// A JSON text that could not be read or a value that cannot be written: the message says what was
// expected and what was found; line and column (1-based) say where, or are 0 when there is no place.
public final class JsonException extends RuntimeException {
    public final int line;
    public final int column;

    JsonException(String message, int line, int column) {
        super(line > 0 ? message + " at " + line + ":" + column : message);
        this.line = line;
        this.column = column;
    }

    public JsonException(String message) {
        this(message, 0, 0);
    }
}
