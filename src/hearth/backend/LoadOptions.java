package hearth.backend;

// What load_model may ask of a backend beyond the model name: context size, GPU offload (a
// fraction, 0 = CPU only, 1 = all it can), flash attention and an idle time-to-live. Null means
// "the backend's default". A backend that cannot apply one refuses it by name: never ignored silently.
public record LoadOptions(Long contextLength, Double gpu, Boolean flashAttention, Long ttlSeconds) {
    public static final LoadOptions NONE = new LoadOptions(null, null, null, null);

    boolean has(String argument) {
        return switch (argument) {
            case "context_length" -> contextLength != null;
            case "gpu" -> gpu != null;
            case "flash_attention" -> flashAttention != null;
            case "ttl" -> ttlSeconds != null;
            default -> throw new IllegalArgumentException("no load option named " + argument);
        };
    }

    /** Throws when `argument` was given: `backend` cannot apply it, and `how` says where it is set instead. */
    void refuse(String argument, String backend, String how) {
        if (has(argument)) {
            throw new BackendException(BackendException.Kind.UNSUPPORTED, "argument '" + argument + "' is not supported by " + backend
                    + ": " + how + " - call load_model without it");
        }
    }
}
