package hearth.engine;

import static org.junit.jupiter.api.Assertions.*;

import hearth.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// The engine's chat answer against llama-server's /v1/chat/completions for the same greedy request:
// the same template, the same tokens, so the same text. Stop strings and cancellation too.
class LocalChatTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @Test
    void chat_greedy_matchesLlamaServerChatCompletions() throws Exception {
        for (String model : List.of("tiny-qwen2", "tiny-llama3")) {
            LocalChat chat = LocalChat.load(EngineLlamaServer.modelPath(model), 0, null, 0);
            try (EngineLlamaServer server = EngineLlamaServer.start(model)) {
                for (String question : List.of("Write a haiku about a hearth.", "What is 347 * 28? Answer with the number.")) {
                    var messages = List.<Map<String, Object>>of(Json.obj("role", "system", "content", "You are terse."),
                            Json.obj("role", "user", "content", question));
                    var streamed = new StringBuilder();
                    LocalChat.Reply mine = chat.chat(messages, Engine.Sampling.greedy(), 40, List.of(), streamed::append, () -> false);
                    var body = Json.obj("messages", messages, "temperature", 0.0, "max_tokens", 40L, "seed", 0L);
                    var response = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), response.body());
                    var reply = (Map<?, ?>) Json.parse(response.body());
                    var choice = (Map<?, ?>) ((List<?>) reply.get("choices")).get(0);
                    String theirs = (String) ((Map<?, ?>) choice.get("message")).get("content");
                    assertEquals(theirs, mine.text(), model + ": " + question);
                    assertEquals(mine.text(), streamed.toString(), "what streamed is the answer");
                    var usage = (Map<?, ?>) reply.get("usage");
                    assertEquals(((Number) usage.get("prompt_tokens")).intValue(), mine.promptTokens(), model + " prompt tokens");
                }
            }
        }
    }

    @Test
    void chat_stopStringAndCancellation_endTheAnswer() throws Exception {
        LocalChat chat = LocalChat.load(EngineLlamaServer.modelPath("tiny-qwen2"), 0, null, 0);
        var messages = List.<Map<String, Object>>of(Json.obj("role", "user", "content", "Count."));
        LocalChat.Reply full = chat.chat(messages, Engine.Sampling.greedy(), 24, List.of(), s -> {}, () -> false);
        assertTrue(full.text().length() > 6, full.text());
        String stop = full.text().substring(3, 6);
        var streamed = new StringBuilder();
        LocalChat.Reply cut = chat.chat(messages, Engine.Sampling.greedy(), 24, List.of(stop), streamed::append, () -> false);
        assertEquals(full.text().substring(0, full.text().indexOf(stop)), cut.text());
        assertEquals(cut.text(), streamed.toString(), "no part of a stop string is streamed");
        assertEquals("stop", cut.stopReason());
        int[] seen = {0};
        LocalChat.Reply cancelled = chat.chat(messages, Engine.Sampling.greedy(), 24, List.of(), s -> seen[0]++, () -> seen[0] >= 2);
        assertEquals("cancelled", cancelled.stopReason());
        assertTrue(cancelled.completionTokens() < 24);
    }

    @Test
    void warmUp_leavesTheNextAnswerAsItWouldBe() throws Exception {
        var messages = List.<Map<String, Object>>of(Json.obj("role", "user", "content", "Name a warm colour."));
        LocalChat cold = LocalChat.load(EngineLlamaServer.modelPath("tiny-llama3"), 0, null, 0);
        LocalChat.Reply expected = cold.chat(messages, Engine.Sampling.greedy(), 20, List.of(), s -> {}, () -> false);
        LocalChat warmed = LocalChat.load(EngineLlamaServer.modelPath("tiny-llama3"), 0, null, 0);
        warmed.warmUp();
        LocalChat.Reply after = warmed.chat(messages, Engine.Sampling.greedy(), 20, List.of(), s -> {}, () -> false);
        assertEquals(expected.text(), after.text());
        assertEquals(expected.promptTokens(), after.promptTokens(), "nothing of the warm-up stays in the prompt");
        assertEquals(20, after.completionTokens());
    }

    @Test
    void load_missingFile_saysWhatToPass() {
        var e = assertThrows(EngineException.class, () -> LocalChat.load(Path.of("/nonexistent/model.gguf"), 0, null, 0));
        assertTrue(e.getMessage().contains("pass the path of a .gguf file"), e.getMessage());
    }
}
