package hearth.cli;

import hearth.config.Config;
import hearth.install.Client;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

// The command line, parsed and validated once: a command (serve by default), the settings given
// as flags (handed to Config), the command's own flags, and the rest (call's tool and key=value).
record Options(String command, Map<String, String> settings, Map<String, List<String>> flags, List<String> rest,
               boolean help, boolean version) {

    static final List<String> COMMANDS = List.of("serve", "call", "install", "uninstall", "doctor");

    /** A command's own flag: its name, whether it takes a value, and one line of help. */
    record Flag(String name, boolean takesValue, String help) {}

    private static final Flag CLIENT = new Flag("--client", true, String.join("|", Client.NAMES) + " (default claude-code)");
    private static final Flag SCOPE = new Flag("--scope", true, "user (default), project (the client's per-project file in --project) or local (Claude Code: this project, in ~/.claude.json)");
    private static final Flag PROJECT = new Flag("--project", true, "project directory for --scope project (default: the current one)");
    private static final Flag NAME = new Flag("--name", true, "server name in the client's config (default hearth)");
    private static final Flag DRY_RUN = new Flag("--dry-run", false, "print every file exactly as it would be written; change nothing");

    // Each command's own flags; settings flags (--base-url, --model, ...) come from Config.SETTINGS.
    // install writes the settings given as flags into the client's entry (e.g. --base-url as HEARTH_BASE_URL).
    static final Map<String, List<Flag>> COMMAND_FLAGS = new TreeMap<>(Map.of(
            "install", List.of(CLIENT, SCOPE, PROJECT, NAME,
                    new Flag("--jar", true, "the hearth jar to install (default: the running one)"),
                    new Flag("--with-commands", false, "also copy the slash commands to ~/.claude/commands"),
                    new Flag("--with-scripts", false, "also copy the big-model scripts to ~/.local/bin"),
                    new Flag("--full", false, "--with-commands and --with-scripts"), DRY_RUN),
            "uninstall", List.of(CLIENT, SCOPE, PROJECT, NAME, DRY_RUN),
            "doctor", List.of(PROJECT),
            "serve", List.of(
                    new Flag("--http", false, "serve MCP over Streamable HTTP at /mcp instead of stdio"),
                    new Flag("--host", true, "address to listen on with --http (default 127.0.0.1; others need --auth)"),
                    new Flag("--port", true, "port to listen on with --http (default " + Config.HTTP_DEFAULT_PORT + "; 0 picks a free one)"),
                    new Flag("--allow-origin", true, "a browser Origin allowed besides localhost, e.g. https://app.example (repeatable)"))));

    Options {
        require(COMMANDS.contains(command), "unknown command: " + command + " (try --help)");
        require(command.equals("call") || rest.isEmpty(), "unexpected argument: " + (rest.isEmpty() ? "" : rest.get(0)) + " (try --help)");
        require(!command.equals("call") || help || version || !rest.isEmpty(), "call needs a tool name: call TOOL [key=value ...] (try --help)");
        for (String name : List.of("--host", "--port", "--allow-origin")) {
            require(!flags.containsKey(name) || flags.containsKey("--http"), name + " needs --http (try --help)");
        }
        String port = flags.containsKey("--port") ? flags.get("--port").get(flags.get("--port").size() - 1) : "0";
        require(port.matches("\\d{1,5}") && Integer.parseInt(port) <= 65535, "--port must be a number from 0 to 65535, got '" + port + "'");
        require(Client.NAMES.contains(flag(flags, "--client", "claude-code")), "unknown client: " + flag(flags, "--client", "") + " (one of " + String.join(", ", Client.NAMES) + ")");
        require(Client.SCOPES.contains(flag(flags, "--scope", "user")), "unknown scope: " + flag(flags, "--scope", "") + " (user, project or local)");
        require(flag(flags, "--name", "hearth").matches("[A-Za-z0-9_-]+"), "--name may hold only letters, digits, '-' and '_', got '" + flag(flags, "--name", "") + "'");
        for (String arg : command.equals("call") && rest.size() > 1 ? rest.subList(1, rest.size()) : List.<String>of()) {
            require(arg.indexOf('=') > 0, "expected key=value after the tool name, got '" + arg + "'");
        }
    }

    static Options parse(String[] args) {
        String command = null;
        var settings = new LinkedHashMap<String, String>();
        var flags = new LinkedHashMap<String, List<String>>();
        var rest = new ArrayList<String>();
        boolean help = false, version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i], value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            if (arg.equals("--help") || arg.equals("-h")) { help = true; continue; }
            if (arg.equals("--version") || arg.equals("-V")) { version = true; continue; }
            if (!arg.startsWith("-") || arg.equals("-")) {
                if (command == null && COMMANDS.contains(arg)) command = arg;
                else if (command == null && rest.isEmpty()) throw new IllegalArgumentException("unknown command: " + arg + " (try --help)");
                else rest.add(arg);
                continue;
            }
            String name = arg;
            Config.Setting setting = Config.SETTINGS.stream().filter(s -> s.flag().equals(name)).findFirst().orElse(null);
            if (setting != null) {
                if (value == null) value = next(args, ++i, arg);
                settings.put(setting.key(), value);
                continue;
            }
            Flag flag = flagOf(command == null ? "serve" : command, arg);
            if (flag == null) throw new IllegalArgumentException("unknown option: " + arg + " (try --help)");
            if (flag.takesValue() && value == null) value = next(args, ++i, arg);
            require(flag.takesValue() || value == null, "option " + arg + " takes no value");
            flags.computeIfAbsent(arg, k -> new ArrayList<>()).add(flag.takesValue() ? value : "true");
        }
        return new Options(command == null ? "serve" : command, settings, flags, rest, help, version);
    }

    String flag(String name, String fallback) {
        return flag(flags, name, fallback);
    }

    private static String flag(Map<String, List<String>> flags, String name, String fallback) {
        List<String> values = flags.get(name);
        return values == null ? fallback : values.get(values.size() - 1);
    }

    boolean has(String name) {
        return flags.containsKey(name);
    }

    private static Flag flagOf(String command, String name) {
        for (Flag f : COMMAND_FLAGS.getOrDefault(command, List.of())) if (f.name().equals(name)) return f;
        return null;
    }

    private static String next(String[] args, int i, String option) {
        require(i < args.length, "option " + option + " needs a value (try --help)");
        return args[i];
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
