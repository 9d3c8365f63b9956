package hearth.backend;

// The outcome of a load or an unload: the model, the instance the backend runs it as (LM Studio
// names instances; others use the model name), the state it ended in ("loaded", "already loaded",
// "loading", "unloaded", "not loaded"), how long the backend took and the context it was given,
// each null when the backend does not say, and a note for the caller (or null).
public record ModelChange(String model, String instance, String state, Double seconds, Long contextLength, String note) {}
