package hearth.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.testing.FakeBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// URL clean-up (OLLAMA_HOST forms, /v1 suffixes), probing of well-known ports, and local backends
// reached directly even when the JVM is told to use a proxy.
class DiscoveryTest {
    @TempDir Path home;

    @Test
    void normalize_commonForms() {
        assertEquals("http://127.0.0.1:11434", Discovery.normalize("0.0.0.0:11434"));
        assertEquals("http://127.0.0.1:11434", Discovery.normalize("127.0.0.1"));
        assertEquals("http://localhost:1234", Discovery.normalize("http://localhost:1234/v1/"));
        assertEquals("http://localhost:8000", Discovery.normalize("http://user:pw@localhost:8000"));
        assertEquals("https://gpu.lan/llm", Discovery.normalize("https://gpu.lan/llm/v1"));
    }

    @Test
    void probe_findsFirstPortThatAnswersLikeAModelServer() throws Exception {
        try (var notLlm = new FakeBackend(); var ollama = new FakeBackend()) {
            ollama.json("GET /api/version", 200, "{\"version\":\"0.6.2\"}").json("GET /api/tags", 200, "{\"models\":[]}").json("GET /api/ps", 200, "{\"models\":[]}");
            int closed;
            try (var gone = new FakeBackend()) {
                closed = gone.port();
            }
            var b = new Backend(Fakes.config(home), List.of(closed, notLlm.port(), ollama.port()));
            assertEquals(ollama.url(), b.baseUrl());
            assertEquals("ollama", b.kind());
            assertTrue(b.discovered());
        }
    }

    @Test
    void probe_nothingFound_listsPortsAndHowToStartEach() throws Exception {
        int closed;
        try (var gone = new FakeBackend()) {
            closed = gone.port();
        }
        var e = assertThrows(BackendException.class, () -> new Backend(Fakes.config(home), List.of(closed)).baseUrl());
        assertTrue(e.getMessage().startsWith("no local model server found: hearth tried http://127.0.0.1:" + closed), e.getMessage());
        assertTrue(e.getMessage().contains("Ollama (port 11434): ollama serve") && e.getMessage().contains("LM Studio (port 1234)"), e.getMessage());
    }

    @Test
    void preferring_putsTheNamedBackendsPortFirst() {
        assertEquals(List.of(1234, 8000, 8080, 11434), Discovery.preferring(Discovery.PORTS, Discovery.named("lmstudio")));
        assertEquals(Discovery.PORTS, Discovery.preferring(Discovery.PORTS, null));
        assertEquals(List.of(5, 6), Discovery.preferring(List.of(5, 6), Discovery.named("ollama")));   // not in the list: unchanged
    }

    @Test
    void backend_isReachedWithoutTheJvmsProxy() throws Exception {
        java.net.ProxySelector before = java.net.ProxySelector.getDefault();
        try (var proxy = new FakeBackend(); var backend = new FakeBackend()) {
            backend.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"owned_by\":\"x\"}]}");
            proxy.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"from-the-proxy\",\"owned_by\":\"x\"}]}");
            // what -Dhttp.proxyHost or a corporate PAC setup would install
            java.net.ProxySelector.setDefault(java.net.ProxySelector.of(new java.net.InetSocketAddress("127.0.0.1", proxy.port())));
            var b = Fakes.backend(home, backend.url(), "backend", "openai");
            assertEquals("m", b.models().get(0).id());
            assertEquals(0, proxy.requests.size(), "a request went through the proxy");
        } finally {
            java.net.ProxySelector.setDefault(before);
        }
    }
}
