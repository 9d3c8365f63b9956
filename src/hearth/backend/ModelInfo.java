package hearth.backend;

// One model as a backend lists it. Null fields are what that backend does not say: `loaded` is
// null where the backend has no notion of loading (plain OpenAI-compatible servers).
public record ModelInfo(String id, Boolean loaded, Long sizeBytes, String quantization, Long contextLength, String type) {
    public ModelInfo(String id) {
        this(id, null, null, null, null, null);
    }
}
