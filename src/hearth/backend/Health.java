package hearth.backend;

// What a backend says about itself: kind, version (null when it has no version endpoint), and how
// many models are loaded / available (null when it cannot say).
public record Health(String kind, String version, Integer loaded, Integer available, String defaultModel) {}
