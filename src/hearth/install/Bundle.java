package hearth.install;

import hearth.mcp.Prompt;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// The files that travel inside the jar (build.sh copies commands/ and scripts/ to hearth/): the
// Claude Code slash commands, served also as MCP prompts with the same text, and the big-model
// scripts. Named in one list each, so nothing is discovered by scanning the jar.
public final class Bundle {
    public static final List<String> COMMANDS = List.of("switch-model", "big-model", "big-model-done", "hearth-help");
    public static final List<String> SCRIPTS = List.of("free-ram", "big-model", "big-model-done");

    private Bundle() {}

    /** A command file: its front matter (description, argument-hint, arguments) and its body. */
    record Command(String name, Map<String, String> front, String body) {
        String text() {
            return read("/hearth/commands/" + name + ".md");
        }
    }

    static Command command(String name) {
        String text = read("/hearth/commands/" + name + ".md").replace("\r\n", "\n");
        var front = new LinkedHashMap<String, String>();
        String body = text;
        if (text.startsWith("---\n")) {
            int end = text.indexOf("\n---\n", 4);
            if (end < 0) throw new InstallException("commands/" + name + ".md: front matter has no closing '---' line");
            for (String line : text.substring(4, end).split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) front.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            body = text.substring(end + 5);
        }
        return new Command(name, front, body.strip() + "\n");
    }

    /** The script's text, for install --with-scripts. */
    static String script(String name) {
        return read("/hearth/scripts/" + name + ".sh");
    }

    /**
     * The commands as MCP prompts. Arguments come from the front matter's `arguments: [a, b]` (the
     * names Claude Code uses too, all optional); the body's $ARGUMENTS becomes the values given,
     * joined by spaces, and $name each one, exactly as Claude Code expands the file. A command
     * missing from the class path (the source launcher has no resources) is left out, not fatal.
     */
    public static List<Prompt> prompts() {
        var prompts = new ArrayList<Prompt>();
        for (String name : COMMANDS) {
            if (Bundle.class.getResource("/hearth/commands/" + name + ".md") == null) continue;
            Command c = command(name);
            List<String> names = listOf(c.front().getOrDefault("arguments", ""));
            var arguments = new ArrayList<Prompt.Argument>();
            for (String a : names) arguments.add(new Prompt.Argument(a, c.front().getOrDefault("argument-hint", a), false));
            prompts.add(new Prompt(name, title(c), c.front().getOrDefault("description", name), arguments, values -> render(c.body(), names, values)));
        }
        return prompts;
    }

    static String render(String body, List<String> names, Map<String, String> values) {
        var given = new ArrayList<String>();
        for (String n : names) if (values.get(n) != null && !values.get(n).isBlank()) given.add(values.get(n).trim());
        String out = body.replace("$ARGUMENTS", String.join(" ", given));
        for (String n : names) out = out.replace("$" + n, values.getOrDefault(n, ""));
        return out;
    }

    // the body's first '# ' heading, else the name
    private static String title(Command c) {
        for (String line : c.body().split("\n")) if (line.startsWith("# ")) return line.substring(2).trim();
        return c.name();
    }

    private static List<String> listOf(String yaml) {
        String s = yaml.trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        var out = new ArrayList<String>();
        for (String part : s.split(",")) if (!part.isBlank()) out.add(part.trim());
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Bundle.class.getResourceAsStream(resource)) {
            if (in == null) throw new InstallException("missing " + resource + " in the jar: build it with ./build.sh, which copies commands/ and scripts/");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
