package hearth.mcp;

// A request that gets a JSON-RPC error response instead of a result: code, message and optional data.
public final class RpcException extends RuntimeException {
    public final int code;
    public final transient Object data;

    public RpcException(int code, String message, Object data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    public RpcException(int code, String message) {
        this(code, message, null);
    }

    static RpcException invalidParams(String message) {
        return new RpcException(Rpc.INVALID_PARAMS, message);
    }
}
