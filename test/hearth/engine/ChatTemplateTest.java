package hearth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// ChatTemplate on its own: the expected prompts of llama.cpp's tests/test-chat-template.cpp for every
// family hearth renders, detection of the real templates in llama.cpp's models/templates, and errors.
class ChatTemplateTest {

    private static final List<ChatTemplate.Message> CONVERSATION = List.of(  // test-chat-template.cpp's
            new ChatTemplate.Message("system", "You are a helpful assistant"),
            new ChatTemplate.Message("user", "Hello"),
            new ChatTemplate.Message("assistant", "Hi there"),
            new ChatTemplate.Message("user", "Who are you"),
            new ChatTemplate.Message("assistant", "   I am an assistant   "),
            new ChatTemplate.Message("user", "Another question"));

    @Test
    void render_llamaCppTestCases_matchTheirExpectedOutput() throws Exception {
        String source = Files.readString(sourceTree().resolve("tests/test-chat-template.cpp"));
        int checked = 0;
        List<String> families = new ArrayList<>();
        for (int at = source.indexOf("/* .template_str= */"); at >= 0; at = source.indexOf("/* .template_str= */", at + 1)) {
            int end = source.indexOf("\n        },", at);
            if (end < 0) break;  // past the test_cases table
            String block = source.substring(at, end);
            if (block.contains(".extra_conversation=")) continue;
            String template = cppString(block, "/* .template_str= */");
            String expected = cppString(block, "/* .expected_output= */");
            String family = ChatTemplate.family(template);
            if (!ChatTemplate.NAMES.contains(family)) continue;
            assertEquals(expected, ChatTemplate.detect(template, null).render(CONVERSATION, true), family + " template:\n" + template);
            checked++;
            families.add(family);
        }
        System.err.println("ChatTemplateTest: " + checked + " llama.cpp test templates rendered identically: " + families);
        assertTrue(families.containsAll(List.of("chatml", "llama3", "mistral-v1", "mistral-v3", "mistral-v3-tekken",
                "mistral-v7", "llama2", "llama2-sys-bos", "llama2-sys-strip")), families.toString());
    }

    @Test
    void detect_realModelTemplates_findTheirFamily() throws Exception {
        Path templates = sourceTree().resolve("models/templates");
        assertEquals("chatml", detectFile(templates, "Qwen-Qwen2.5-7B-Instruct.jinja").name());
        assertEquals("chatml", detectFile(templates, "Qwen-Qwen3-0.6B.jinja").name());
        assertEquals("llama3", detectFile(templates, "meta-llama-Llama-3.1-8B-Instruct.jinja").name());
        assertEquals("mistral-v7", detectFile(templates, "Mistral-Small-3.2-24B-Instruct-2506.jinja").name());
        assertEquals("mistral-v3-tekken", detectFile(templates, "mistralai-Mistral-Nemo-Instruct-2407.jinja").name());
        EngineException e = assertThrows(EngineException.class, () -> detectFile(templates, "google-gemma-2-2b-it.jinja"));
        assertTrue(e.getMessage().contains("'gemma'") && e.getMessage().contains("--chat-template"), e.getMessage());
    }

    @Test
    void render_qwen25TemplateWithoutSystem_addsItsDefaultSystemPrompt() throws Exception {
        ChatTemplate t = detectFile(sourceTree().resolve("models/templates"), "Qwen-Qwen2.5-7B-Instruct.jinja");
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(new ChatTemplate.Message("user", "hi")), true));
        assertEquals("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n",
                t.render(List.of(new ChatTemplate.Message("system", "be brief"), new ChatTemplate.Message("user", "hi")), false));
    }

    @Test
    void render_chatmlOverride_hasNoDefaultSystemPrompt() {
        String qwen2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                + "{{ '<|im_start|>system\\nYou are a helpful assistant<|im_end|>\\n' }}{% endif %}"
                + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}";
        List<ChatTemplate.Message> hi = List.of(new ChatTemplate.Message("user", "hi"));
        assertTrue(ChatTemplate.detect(qwen2, null).render(hi, false).startsWith("<|im_start|>system\nYou are a helpful assistant<|im_end|>\n"));
        assertEquals("<|im_start|>user\nhi<|im_end|>\n", ChatTemplate.detect(qwen2, "chatml").render(hi, false));
    }

    @Test
    void detect_noTemplate_isChatml() {
        assertEquals("chatml", ChatTemplate.detect(null, null).name());
        assertEquals("chatml", ChatTemplate.detect("", null).name());
    }

    @Test
    void detect_unknownOverride_listsTheChoices() {
        EngineException e = assertThrows(EngineException.class, () -> ChatTemplate.detect(null, "vicuna"));
        assertTrue(e.getMessage().contains("'vicuna'") && e.getMessage().contains("chatml, llama3, mistral-v1"), e.getMessage());
    }

    @Test
    void detect_unrecognisedTemplate_isAnErrorNamingTheOverride() {
        EngineException e = assertThrows(EngineException.class, () -> ChatTemplate.detect("{{ messages }}", null));
        assertTrue(e.getMessage().contains("--chat-template") && e.getMessage().contains("mistral-v7"), e.getMessage());
    }

    @Test
    void render_llama3_trimsContentAndOmitsBos() {
        String out = ChatTemplate.detect("llama3", null).render(List.of(new ChatTemplate.Message("user", "  hi \n")), true);
        assertEquals("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", out);
    }

    private static ChatTemplate detectFile(Path dir, String name) throws Exception {
        return ChatTemplate.detect(Files.readString(dir.resolve(name)), null);
    }

    // The C++ string literal(s) after marker: "..." pieces, optionally in U8C(...), with C escapes.
    private static String cppString(String block, String marker) {
        int i = block.indexOf(marker) + marker.length();
        StringBuilder sb = new StringBuilder();
        while (true) {
            while (Character.isWhitespace(block.charAt(i))) i++;
            if (block.startsWith("U8C(", i)) i += 4;
            if (block.charAt(i) != '"') break;
            for (i++; block.charAt(i) != '"'; i++) {
                char c = block.charAt(i);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = block.charAt(++i);
                sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
            }
            i++;
            if (block.charAt(i) == ')') i++;
        }
        return sb.toString();
    }

    private static Path sourceTree() throws Exception {
        try {
            return TokenizerLlamaServer.sourceTree();
        } catch (TokenizerLlamaServer.Skip e) {
            System.err.println("\n*** SKIPPING: llama-server.sh exited 3 (missing need): " + e.getMessage() + "\n");
            assumeTrue(false, e.getMessage());
            throw e;
        }
    }
}
