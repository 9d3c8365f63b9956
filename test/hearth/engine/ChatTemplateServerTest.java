package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// ChatTemplate against llama.cpp itself: each conversation is rendered by a real llama-server
// (POST /apply-template, with the model's own tokenizer.chat_template) and by ChatTemplate, and the
// prompts must be identical. tiny-qwen2 carries Qwen2's template (with its default system prompt);
// tiny-llama3 and tiny-llama-spm carry none, so both sides fall back to ChatML.
class ChatTemplateServerTest {

    private static final Map<String, TokenizerLlamaServer> SERVERS = new LinkedHashMap<>();
    private static final Map<String, ChatTemplate> TEMPLATES = new LinkedHashMap<>();
    private static String skipReason;

    private static final List<List<ChatTemplate.Message>> CONVERSATIONS = List.of(
            List.of(m("user", "Hello")),
            List.of(m("system", "You are terse."), m("user", "Hi"), m("assistant", "Hello! How can I help?"), m("user", "Tell me a joke")),
            List.of(m("user", "  padded content \n")),
            List.of(m("user", "first"), m("assistant", "  an answer  "), m("user", "second\n\nwith blank lines")),
            List.of(m("system", "multi\nline\tsystem"), m("user", "Unicode: 你好 Привет 😀 and a literal <|im_start|> tag")));

    private static ChatTemplate.Message m(String role, String content) {
        return new ChatTemplate.Message(role, content);
    }

    @BeforeAll
    static void startServers() throws Exception {
        try {
            for (String model : List.of("tiny-qwen2", "tiny-llama3", "tiny-llama-spm")) {
                Path file = model.equals("tiny-llama-spm") ? TokenizerLlamaServer.spmModelPath()
                        : TokenizerLlamaServer.modelPath(model);
                Object template = Gguf.open(file).metadata().get("tokenizer.chat_template");
                TEMPLATES.put(model, ChatTemplate.detect((String) template, null));
                SERVERS.put(model, TokenizerLlamaServer.start(model));
            }
        } catch (TokenizerLlamaServer.Skip e) {
            skipReason = e.getMessage();
            System.err.println("\n*** SKIPPING ChatTemplateServerTest: llama-server.sh exited 3 (missing need): " + skipReason + "\n");
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (TokenizerLlamaServer server : SERVERS.values()) server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen2", "tiny-llama3", "tiny-llama-spm"})
    void render_conversations_matchLlamaServerApplyTemplate(String model) throws Exception {
        assumeTrue(skipReason == null, () -> "llama-server.sh reports a missing need: " + skipReason);
        TokenizerLlamaServer server = SERVERS.get(model);
        ChatTemplate template = TEMPLATES.get(model);
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (List<ChatTemplate.Message> conversation : CONVERSATIONS) {
            for (boolean addGenerationPrompt : new boolean[] {true, false}) {
                String want = server.applyTemplate(conversation, addGenerationPrompt);
                String got = template.render(conversation, addGenerationPrompt);
                compared++;
                if (!want.equals(got)) {
                    mismatches.add(conversation + " add_generation_prompt=" + addGenerationPrompt + "\n  server "
                            + TokenizerLlamaServer.quote(want) + "\n  hearth " + TokenizerLlamaServer.quote(got));
                }
            }
        }
        System.err.println("ChatTemplateServerTest: " + model + " (" + template.name() + "): " + (compared - mismatches.size())
                + "/" + compared + " prompts identical to llama-server's /apply-template");
        assertTrue(mismatches.isEmpty(), model + ":\n" + String.join("\n", mismatches));
    }
}
