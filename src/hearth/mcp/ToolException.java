package hearth.mcp;

// A tool that could not do its job for a reason the caller can act on (bad argument, backend down,
// timeout). McpServer turns it into an isError result whose text is this message; never a protocol error.
public class ToolException extends RuntimeException {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
