package hearth.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.testing.FakeBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The faults every backend call must survive, each ending as a clear BackendException within its
// timeout: connection refused, no answer, 500 with a body, malformed JSON, a stream cut short, a
// stream that goes silent, a slow drip past the total, cancellation, and an API key kept secret.
class OpenAiClientTest {
    private static final String CHUNK = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}";
    @TempDir Path home;
    FakeBackend fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeBackend();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private Backend backend(String... more) throws Exception {
        String[] settings = new String[more.length + 2];
        settings[0] = "backend";
        settings[1] = "openai";
        System.arraycopy(more, 0, settings, 2, more.length);
        return Fakes.backend(home, fake.url(), settings);
    }

    private BackendException fails(Backend b, boolean stream) {
        return assertTimeoutPreemptively(Duration.ofSeconds(8), () -> assertThrows(BackendException.class,
                () -> b.chat(Fakes.ask("hi").withModel("m"), stream, Tokens.NONE, new Abort())));
    }

    @Test
    void chat_refused_namesUrlAndHowToStart() throws Exception {
        String url = fake.url();
        fake.close();
        var e = assertThrows(BackendException.class, () -> new Backend(Fakes.config(home, "base_url", url)).chat(Fakes.ask("hi"), false, Tokens.NONE, new Abort()));
        assertEquals(BackendException.Kind.UNREACHABLE, e.kind);
        assertTrue(e.getMessage().contains("cannot reach backend at " + url + " (connection refused)"), e.getMessage());
        assertTrue(e.getMessage().contains("ollama serve") && e.getMessage().contains("llama-server -m"), e.getMessage());
    }

    @Test
    void chat_noAnswer_timesOutAtFirstTokenDeadline() throws Exception {
        fake.on("POST /v1/chat/completions", ex -> fake.stall());
        long t0 = System.nanoTime();
        var e = fails(backend("first_token_timeout", "0.5"), true);
        assertEquals(BackendException.Kind.TIMEOUT, e.kind);
        assertTrue(e.getMessage().contains("did not start answering"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 3e9);
    }

    @Test
    void chat_status500_quotesBody() throws Exception {
        fake.json("POST /v1/chat/completions", 500, "{\"error\":{\"code\":500,\"message\":\"CUDA out of memory\",\"type\":\"server_error\"}}");
        var e = fails(backend(), false);
        assertEquals(500, e.status);
        assertTrue(e.getMessage().startsWith("backend returned 500 for POST /v1/chat/completions: {\"error\""), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA out of memory"));
    }

    @Test
    void chat_errorBody_cappedAt1KiB() throws Exception {
        fake.json("POST /v1/chat/completions", 400, "x".repeat(5000));
        var e = fails(backend(), false);
        assertTrue(e.getMessage().length() < 1200, "" + e.getMessage().length());
    }

    @Test
    void chat_malformedJson_saysWhatWasWrong() throws Exception {
        fake.json("POST /v1/chat/completions", 200, "<html>proxy error</html>");
        var e = fails(backend(), false);
        assertEquals(BackendException.Kind.MALFORMED, e.kind);
        assertTrue(e.getMessage().contains("<html>proxy error</html>"), e.getMessage());
    }

    @Test
    void chat_jsonWithoutChoices_isMalformed() throws Exception {
        fake.json("POST /v1/chat/completions", 200, "{\"object\":\"chat.completion\"}");
        assertTrue(fails(backend(), false).getMessage().contains("expected choices[0].message"));
    }

    @Test
    void stream_cutMidStream_isErrorWithPartialAnswer() throws Exception {
        fake.sse("POST /v1/chat/completions", CHUNK, CHUNK.replace("Hel", "lo"));
        var e = fails(backend(), true);
        assertEquals(BackendException.Kind.MALFORMED, e.kind);
        assertTrue(e.getMessage().contains("before the reply was complete (2 chunks received)") && e.getMessage().contains("partial answer: Hello"), e.getMessage());
    }

    @Test
    void stream_silentMidway_timesOutAtIdleDeadline() throws Exception {
        fake.on("POST /v1/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(("data: " + CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            fake.stall();
        });
        var e = fails(backend("idle_timeout", "0.3"), true);
        assertEquals(BackendException.Kind.TIMEOUT, e.kind);
        assertTrue(e.getMessage().contains("went silent for 0.3 s"), e.getMessage());
    }

    @Test
    void stream_slowDrip_stopsAtTotalDeadline() throws Exception {
        fake.on("POST /v1/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 0);
            while (!fake.hold.await(50, TimeUnit.MILLISECONDS)) {   // one chunk every 50 ms, forever
                ex.getResponseBody().write(("data: " + CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
            }
        });
        long t0 = System.nanoTime();
        var e = fails(backend("timeout", "1", "idle_timeout", "0.5"), true);
        assertTrue(e.getMessage().contains("did not finish /v1/chat/completions within 1 s"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 3e9);
    }

    @Test
    void chat_slowDripWholeReply_stopsAtTotalDeadline() throws Exception {
        fake.on("POST /v1/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 0);
            while (!fake.hold.await(50, TimeUnit.MILLISECONDS)) {   // whitespace before the JSON, forever
                ex.getResponseBody().write(' ');
                ex.getResponseBody().flush();
            }
        });
        long t0 = System.nanoTime();
        var e = fails(backend("timeout", "1"), false);
        assertEquals(BackendException.Kind.TIMEOUT, e.kind);
        assertTrue(e.getMessage().contains("did not finish answering POST /v1/chat/completions within 1 s"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 3e9);
    }

    @Test
    void abort_racingTheReplyHeaders_alwaysClosesTheConnection() throws Exception {
        var b = backend("timeout", "30");
        for (int round = 0; round < 30; round++) {   // the abort and the headers leave together: each side of the race gets its turns
            var arrived = new CountDownLatch(1);
            var go = new CountDownLatch(1);
            var closed = new CountDownLatch(1);
            fake.on("POST /v1/chat/completions", ex -> {
                arrived.countDown();
                go.await();
                ex.sendResponseHeaders(200, 0);
                try {
                    while (!fake.hold.await(10, TimeUnit.MILLISECONDS)) {
                        ex.getResponseBody().write(' ');
                        ex.getResponseBody().flush();
                    }
                } catch (java.io.IOException e) {
                    closed.countDown();
                }
            });
            var abort = new Abort();
            var failure = new CompletableFuture<BackendException>();
            var worker = new Thread(() -> {
                try {
                    b.chat(Fakes.ask("hi").withModel("m"), false, Tokens.NONE, abort);
                    failure.complete(null);
                } catch (BackendException e) {
                    failure.complete(e);
                }
            });
            worker.start();
            assertTrue(arrived.await(5, TimeUnit.SECONDS));
            go.countDown();
            abort.abort();
            assertEquals(BackendException.Kind.CANCELLED, failure.get(5, TimeUnit.SECONDS).kind);
            assertTrue(closed.await(5, TimeUnit.SECONDS), "round " + round + ": the backend connection stayed open");
        }
    }

    @Test
    void stream_abort_stopsAtOnce() throws Exception {
        fake.on("POST /v1/chat/completions", ex -> {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(("data: " + CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            fake.stall();
        });
        var b = backend("idle_timeout", "30", "timeout", "60");
        var abort = new Abort();
        var first = new CountDownLatch(1);
        var result = CompletableFuture.supplyAsync(() -> b.chat(Fakes.ask("hi").withModel("m"), true, (c, r) -> first.countDown(), abort));
        assertTrue(first.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        abort.abort();
        var e = assertThrows(Exception.class, () -> result.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof BackendException be && be.kind == BackendException.Kind.CANCELLED, String.valueOf(e.getCause()));
        assertTrue(System.nanoTime() - t0 < 1e9, "abort took " + (System.nanoTime() - t0) / 1e6 + " ms");
    }

    @Test
    void apiKey_sentAsBearer_neverInErrors() throws Exception {
        fake.json("POST /v1/chat/completions", 401, "{\"error\":{\"message\":\"Invalid API key\"}}");
        var e = fails(backend("api_key", "sk-secret-123"), false);
        assertEquals("Bearer sk-secret-123", fake.last("/v1/chat/completions").authorization());
        assertFalse(e.getMessage().contains("sk-secret-123"));
        assertTrue(e.getMessage().contains("set HEARTH_API_KEY"), e.getMessage());
    }

    @Test
    void stream_complete_readsContentUsageAndDone() throws Exception {
        fake.sse("POST /v1/chat/completions", CHUNK, CHUNK.replace("Hel", "lo").replace("null}", "\"stop\"}"),
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}", "[DONE]");
        var r = backend().chat(Fakes.ask("hi").withModel("m"), true, Tokens.NONE, new Abort());
        assertEquals("Hello", r.content());
        assertEquals(5L, r.promptTokens());
        assertEquals(2L, r.completionTokens());
        assertEquals("stop", r.finishReason());
        assertTrue(fake.last("/v1/chat/completions").json().get("stream_options") != null);
    }
}
