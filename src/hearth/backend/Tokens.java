package hearth.backend;

// Receives a streamed reply as it arrives: answer text and thinking text, each possibly empty.
// Called on the thread that runs the request, in order; it must return quickly.
@FunctionalInterface
public interface Tokens {
    Tokens NONE = (content, reasoning) -> {};

    void accept(String content, String reasoning);
}
