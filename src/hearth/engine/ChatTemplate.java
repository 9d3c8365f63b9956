package hearth.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// Turns chat messages into the prompt text a model was trained on, as llama.cpp does: the family is
// recognised from tokenizer.chat_template the way llm_chat_detect_template does, and rendered as
// llm_chat_apply_template does. One addition for parity with llama-server, which renders templates
// with Jinja: a ChatML template's built-in default system prompt (Qwen2/2.5, SmolLM) is kept.
// Not a Jinja engine: Llama 3.1+'s date preamble, tools and Qwen3's thinking rules are not rendered.
final class ChatTemplate {

    record Message(String role, String content) {}

    // The names --chat-template accepts, in llama-chat.cpp's spelling.
    static final List<String> NAMES = List.of("chatml", "llama3", "mistral-v1", "mistral-v3", "mistral-v3-tekken",
            "mistral-v7", "mistral-v7-tekken", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip");

    // A default system turn written as one Jinja string literal, '<|im_start|>system\n...<|im_end|>\n',
    // where each \n is the escape or a real newline (Qwen2's GGUF stores the latter).
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("'<\\|im_start\\|>system(?:\\\\n|\n)([^']*)<\\|im_end\\|>(?:\\\\n|\n)'");

    private final String name;
    private final String defaultSystem;  // ChatML only; null when the template has none

    private ChatTemplate(String name, String defaultSystem) {
        this.name = name;
        this.defaultSystem = defaultSystem;
    }

    // The override (a --chat-template name) wins; else the family of the model's own template text;
    // a model without a template gets chatml, as llama-server does.
    static ChatTemplate detect(String templateText, String override) {
        if (override != null && !override.isEmpty()) {
            if (!NAMES.contains(override)) {
                throw new EngineException("unknown chat template '" + override + "'; --chat-template (HEARTH_CHAT_TEMPLATE) takes one of: "
                        + String.join(", ", NAMES));
            }
            return new ChatTemplate(override, null);
        }
        if (templateText == null || templateText.isEmpty()) return new ChatTemplate("chatml", null);
        String family = family(templateText);
        if (!NAMES.contains(family)) {
            throw new EngineException("the model's chat template " + (family.equals("unknown") ? "is not one hearth renders"
                    : "looks like llama.cpp's '" + family + "', which hearth does not render")
                    + "; pass --chat-template (HEARTH_CHAT_TEMPLATE) with one of: " + String.join(", ", NAMES));
        }
        String defaultSystem = null;
        if (family.equals("chatml")) {
            Matcher m = CHATML_DEFAULT_SYSTEM.matcher(templateText);
            if (m.find()) defaultSystem = unescape(m.group(1));
        }
        return new ChatTemplate(family, defaultSystem);
    }

    String name() {
        return name;
    }

    String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        switch (name) {
            case "chatml": chatml(sb, messages, addGenerationPrompt); break;
            case "llama3": llama3(sb, messages, addGenerationPrompt); break;
            case "mistral-v7": case "mistral-v7-tekken": mistralV7(sb, messages); break;
            case "mistral-v1": case "mistral-v3": case "mistral-v3-tekken": mistral(sb, messages); break;
            default: llama2(sb, messages);
        }
        return sb.toString();
    }

    private void chatml(StringBuilder sb, List<Message> messages, boolean addGenerationPrompt) {
        if (defaultSystem != null && (messages.isEmpty() || !messages.get(0).role().equals("system"))) {
            sb.append("<|im_start|>system\n").append(defaultSystem).append("<|im_end|>\n");
        }
        for (Message m : messages) sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        if (addGenerationPrompt) sb.append("<|im_start|>assistant\n");
    }

    private static void llama3(StringBuilder sb, List<Message> messages, boolean addGenerationPrompt) {
        for (Message m : messages) {
            sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(trim(m.content())).append("<|eot_id|>");
        }
        if (addGenerationPrompt) sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    // Mistral v7: [SYSTEM_PROMPT] turns; the tekken variant drops the space after each tag.
    private void mistralV7(StringBuilder sb, List<Message> messages) {
        String space = name.equals("mistral-v7") ? " " : "";
        for (Message m : messages) {
            if (m.role().equals("system")) sb.append("[SYSTEM_PROMPT]").append(space).append(m.content()).append("[/SYSTEM_PROMPT]");
            else if (m.role().equals("user")) sb.append("[INST]").append(space).append(m.content()).append("[/INST]");
            else sb.append(space).append(m.content()).append("</s>");
        }
    }

    // Mistral v1/v3/v3-tekken: the system prompt opens the next [INST] turn.
    private void mistral(StringBuilder sb, List<Message> messages) {
        String leading = name.equals("mistral-v1") ? " " : "";
        String trailing = name.equals("mistral-v3-tekken") ? "" : " ";
        boolean trimAssistant = name.equals("mistral-v3");
        boolean insideTurn = false;
        for (Message m : messages) {
            if (!insideTurn) {
                sb.append(leading).append("[INST]").append(trailing);
                insideTurn = true;
            }
            if (m.role().equals("system")) {
                sb.append(m.content()).append("\n\n");
            } else if (m.role().equals("user")) {
                sb.append(m.content()).append(leading).append("[/INST]");
            } else {
                sb.append(trailing).append(trimAssistant ? trim(m.content()) : m.content()).append("</s>");
                insideTurn = false;
            }
        }
    }

    private void llama2(StringBuilder sb, List<Message> messages) {
        boolean system = !name.equals("llama2");
        boolean bosInsideHistory = name.equals("llama2-sys-bos");
        boolean strip = name.equals("llama2-sys-strip");
        boolean insideTurn = true;  // the first turn's BOS is the tokenizer's
        sb.append("[INST] ");
        for (Message m : messages) {
            String content = strip ? trim(m.content()) : m.content();
            if (!insideTurn) {
                insideTurn = true;
                sb.append(bosInsideHistory ? "<s>[INST] " : "[INST] ");
            }
            if (m.role().equals("system")) {
                sb.append(system ? "<<SYS>>\n" + content + "\n<</SYS>>\n\n" : content + "\n");
            } else if (m.role().equals("user")) {
                sb.append(content).append(" [/INST]");
            } else {
                sb.append(content).append("</s>");
                insideTurn = false;
            }
        }
    }

    // llm_chat_detect_template, in its order, up to the last family hearth renders (llama3): a
    // template caught by an earlier branch is that other family, not one of ours.
    static String family(String t) {
        if (NAMES.contains(t)) return t;
        if (t.contains("<|im_start|>")) {
            return t.contains("<|im_sep|>") ? "phi4" : t.contains("<end_of_utterance>") ? "smolvlm" : "chatml";
        }
        if (t.startsWith("mistral") || t.contains("[INST]")) {
            if (t.contains("[SYSTEM_PROMPT]")) return "mistral-v7";
            if (t.contains("' [INST] ' + system_message") || t.contains("[AVAILABLE_TOOLS]")) {
                return t.contains(" [INST]") ? "mistral-v1" : t.contains("\"[INST]\"") ? "mistral-v3-tekken" : "mistral-v3";
            }
            if (t.contains("content.strip()")) return "llama2-sys-strip";
            if (t.contains("bos_token + '[INST]")) return "llama2-sys-bos";
            return t.contains("<<SYS>>") ? "llama2-sys" : "llama2";
        }
        if (t.contains("<|assistant|>") && t.contains("<|end|>")) return "phi3";
        if (t.contains("[gMASK]<sop>")) return "chatglm4";
        if (t.contains("<|assistant|>") && t.contains("<|user|>")) {
            return t.contains("<|tool_declare|>") ? "exaone-moe" : t.contains("</s>") ? "falcon3" : "glmedge";
        }
        if (t.contains("<|{{ item['role'] }}|>") && t.contains("<|begin_of_image|>")) return "glmedge";
        if (t.contains("<|user|>") && t.contains("<|endoftext|>")) return "zephyr";
        if (t.contains("bos_token + message['role']")) return "monarch";
        if (t.contains("<start_of_turn>")) return "gemma";
        if (t.contains("'\\n\\nAssistant: ' + eos_token")) return "orion";
        if (t.contains("GPT4 Correct ")) return "openchat";
        if (t.contains("USER: ") && t.contains("ASSISTANT: ")) return t.contains("SYSTEM: ") ? "vicuna-orca" : "vicuna";
        if (t.contains("### Instruction:") && t.contains("<|EOT|>")) return "deepseek";
        if (t.contains("<|START_OF_TURN_TOKEN|>") && t.contains("<|USER_TOKEN|>")) return "command-r";
        if (t.contains("<|start_header_id|>") && t.contains("<|end_header_id|>")) return "llama3";
        return "unknown";
    }

    // llama-chat.cpp's trim: ASCII whitespace (isspace) at both ends.
    private static String trim(String s) {
        int start = 0, end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    // The escapes a Jinja string literal may hold in a default system prompt.
    private static String unescape(String literal) {
        return literal.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
