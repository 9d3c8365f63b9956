package hearth.backend;

import hearth.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

// Test helper: a Config pointing at a fake backend with short timeouts, and a one-message request.
final class Fakes {
    private Fakes() {}

    /** `settings`: key, value pairs (base_url, backend, model, api_key, timeouts in seconds). */
    static Config config(Path home, String... settings) throws IOException {
        var flags = new HashMap<String, String>(Map.of("timeout", "5", "first_token_timeout", "2", "idle_timeout", "1", "connect_timeout", "2"));
        for (int i = 0; i < settings.length; i += 2) flags.put(settings[i], settings[i + 1]);
        return Config.load(flags, Map.of(), home);
    }

    /** A Backend on the fake at `url`; `settings` as for config(), after base_url. */
    static Backend backend(Path home, String url, String... settings) throws IOException {
        String[] all = new String[settings.length + 2];
        all[0] = "base_url";
        all[1] = url;
        System.arraycopy(settings, 0, all, 2, settings.length);
        return new Backend(config(home, all));
    }

    static ChatRequest ask(String text) {
        return new ChatRequest(null, List.of(Map.of("role", "user", "content", text)), null, null, null, null, null, null, null, null, null, false);
    }

    /** A request with the sampling arguments each backend names its own way: top_k 20, min_p 0.1, repeat_penalty 1.15. */
    static ChatRequest sampled(String text) {
        return new ChatRequest(null, List.of(Map.of("role", "user", "content", text)), null, null, null, 20L, 0.1, 1.15, null, null, null, false);
    }

    static ChatRequest ask(String text, String reasoning) {
        return new ChatRequest(null, List.of(Map.of("role", "user", "content", text)), 0.5, 64L, null, null, null, null, null, null, reasoning, false);
    }
}
