package hearth.backend;

// Any OpenAI-compatible server hearth does not recognise: the common client alone.
final class OpenAi implements Dialect {
    public String kind() { return "openai"; }

    public String label() { return "OpenAI-compatible server"; }

    public int defaultPort() { return 0; }

    public String startHint() { return "start your OpenAI-compatible server and set HEARTH_BASE_URL to its address"; }
}
