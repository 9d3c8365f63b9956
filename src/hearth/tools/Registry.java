package hearth.tools;

import hearth.backend.Backend;
import hearth.config.Config;
import hearth.install.Bundle;
import hearth.mcp.McpServer;
import hearth.mcp.Prompt;
import hearth.mcp.Resource;
import hearth.mcp.Tool;
import hearth.sessions.SessionStore;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

// The one registration table: every tool family, prompt and resource hearth serves, filtered by
// HEARTH_TOOLS and with the chat tool renamed by HEARTH_CHAT_TOOL_NAME. No reflection, no discovery.
public final class Registry {
    private Registry() {}

    public static McpServer server(Config config) {
        var backend = new Backend(config);   // finds the server on first use, never at start-up
        var sessions = new SessionStore(config.home().resolve("sessions"));
        var tools = new ArrayList<Tool>();
        tools.addAll(ChatTools.all(config, backend, sessions));
        tools.addAll(ModelTools.all(config, backend, ZonedDateTime::now));
        tools.addAll(HealthTools.all(config, backend));
        tools.addAll(LifecycleTools.all(config, backend, ZonedDateTime::now));
        tools.addAll(EmbedTools.all(config, backend));
        tools.addAll(ConfigTools.all(config, backend));
        var resources = new ArrayList<Resource>();
        resources.addAll(ConfigTools.resources(config, backend));
        resources.addAll(ModelTools.resources(config, backend));
        resources.addAll(SessionChat.resources(sessions));
        List<Prompt> prompts = Bundle.prompts();  // commands/*.md, the same text as the slash commands
        var server = new McpServer(select(tools, config), prompts, resources);
        if (config.on("warm_up")) server.onInitialized(backend::prepare);
        return server;
    }

    /** Applies HEARTH_TOOLS and HEARTH_CHAT_TOOL_NAME; an unknown name in HEARTH_TOOLS cannot start. */
    static List<Tool> select(List<Tool> all, Config config) {
        String chatName = config.get("chat_tool_name");
        var renamed = all.stream().map(t -> t.name().equals("chat") && !chatName.equals("chat") ? t.renamed(chatName) : t).toList();
        String wanted = config.get("tools");
        if (wanted == null || wanted.isBlank() || wanted.trim().equals("all")) return renamed;
        var names = Arrays.stream(wanted.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        var known = renamed.stream().map(Tool::name).toList();
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("tools setting (" + config.value("tools").source() + ") names an unknown tool '" + name
                        + "'; the tools are: " + String.join(", ", known));
            }
        }
        return renamed.stream().filter(t -> names.contains(t.name())).toList();
    }
}
