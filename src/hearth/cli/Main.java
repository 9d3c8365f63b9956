package hearth.cli;

import hearth.config.Config;
import hearth.install.Doctor;
import hearth.install.InstallException;
import hearth.install.Installer;
import hearth.json.Json;
import hearth.json.JsonException;
import hearth.mcp.Call;
import hearth.mcp.McpServer;
import hearth.mcp.Tool;
import hearth.mcp.ToolResult;
import hearth.tools.Registry;
import hearth.transport.HttpTransport;
import hearth.transport.StdioTransport;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// argv → the stdio server (default) or a one-shot command; exit codes 0 ok, 1 usage or tool error,
// 2 cannot start. User-facing text lives here, in one place.
public final class Main {
    static final int OK = 0, USAGE_OR_TOOL_ERROR = 1, CANNOT_START = 2;

    private Main() {}

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err, System.getenv(), userHome(System.getenv(), System.getProperty("user.home")));
        System.exit(status);
    }

    /**
     * $HOME when it names an absolute path, else Java's user.home. The clients hearth installs into
     * (Node, Python, Rust programs) all read $HOME; Java's user.home comes from the password file
     * on Linux, and the two differ under `sudo -E`, in some containers and when a user points HOME
     * elsewhere: install must write where the client will look.
     */
    static Path userHome(Map<String, String> env, String userHomeProperty) {
        String home = env.get("HOME");
        if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) return Path.of(home);
        return Path.of(userHomeProperty);
    }

    /** Everything main does, with its world passed in so tests can run it in-process. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path userHome) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE_OR_TOOL_ERROR;
        }
        if (options.help()) { out.print(help()); return OK; }
        if (options.version()) { out.println("hearth " + Config.VERSION); return OK; }
        Config config;
        McpServer server = null;
        String refused = null;   // a setting the server cannot start with: doctor reports it among the rest
        try {
            config = Config.load(options.settings(), env, userHome);
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return CANNOT_START;
        }
        try {
            server = Registry.server(config);
        } catch (IllegalArgumentException e) {
            if (!options.command().equals("doctor")) {
                err.println("error: " + e.getMessage());
                return CANNOT_START;
            }
            refused = e.getMessage();
        }
        switch (options.command()) {
            case "call": return call(server, options, out, err);
            case "install": case "uninstall": case "doctor": return install(options, config, refused, out, err, env, userHome);
            default: return options.has("--http") ? serveHttp(server, config, options, err) : serve(server, in, out, err);
        }
    }

    private static int serve(McpServer server, InputStream in, PrintStream out, PrintStream err) {
        boolean realStdout = out == System.out;
        // the only handle on the real stdout
        PrintStream protocol = realStdout ? new PrintStream(new FileOutputStream(FileDescriptor.out), false) : out;
        if (realStdout) {
            System.setOut(System.err);  // MCP stdio: the server MUST NOT write non-MCP data to stdout
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {   // SIGTERM: finish in-flight work (bounded), then exit 0
                server.close();
                protocol.flush();
                Runtime.getRuntime().halt(OK);
            }, "hearth-shutdown"));
        }
        try {
            new StdioTransport(in, protocol, server).run();
            return OK;
        } catch (IOException e) {
            err.println("error: cannot read stdin: " + e.getMessage());
            return CANNOT_START;
        }
    }

    private static int serveHttp(McpServer server, Config config, Options options, PrintStream err) {
        String host = options.flag("--host", "127.0.0.1");
        int port = Integer.parseInt(options.flag("--port", String.valueOf(Config.HTTP_DEFAULT_PORT)));
        var origins = options.flags().getOrDefault("--allow-origin", List.of()).stream()
                .flatMap(o -> Arrays.stream(o.split(","))).map(String::strip).filter(o -> !o.isEmpty()).toList();
        HttpTransport http;
        try {
            http = new HttpTransport(server, host, port, config.get("auth_token"), origins, HttpTransport.Limits.DEFAULT);
        } catch (BindException e) {
            err.println("error: cannot listen on " + host + ":" + port + ": " + e.getMessage() + " (is another server using the port? pick one with --port, or --port 0 for any free one)");
            return CANNOT_START;
        } catch (UnknownHostException e) {
            err.println("error: --host " + host + " is not an address of this machine (" + e.getMessage() + "); use 127.0.0.1 or an interface address");
            return CANNOT_START;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return CANNOT_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { http.stop(); server.close(); }, "hearth-shutdown"));
        http.start();
        err.println("hearth: serving MCP at " + http.uri());   // scripts read the bound port from this line
        try {
            http.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    private static int call(McpServer server, Options options, PrintStream out, PrintStream err) {
        String name = options.rest().get(0);
        Tool tool = server.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        if (tool == null) {
            err.println("error: unknown tool: " + name + " (tools: " + String.join(", ", server.tools().stream().map(Tool::name).toList()) + ")");
            return USAGE_OR_TOOL_ERROR;
        }
        var arguments = new LinkedHashMap<String, Object>();
        for (String pair : options.rest().subList(1, options.rest().size())) {
            String key = pair.substring(0, pair.indexOf('=')), value = pair.substring(pair.indexOf('=') + 1);
            arguments.put(key, value.startsWith("[") || value.startsWith("{") ? parseArgument(key, value) : value);
        }
        ToolResult result;
        try {
            result = McpServer.run(tool, arguments, Call.detached());
        } catch (JsonException e) {
            err.println("error: " + e.getMessage());
            return USAGE_OR_TOOL_ERROR;
        }
        (result.isError() ? err : out).println(result.text());
        server.close();
        return result.isError() ? USAGE_OR_TOOL_ERROR : OK;
    }

    // install, uninstall and doctor: the world (HOME, env, OS, this jar) is passed in, never looked up inside
    private static int install(Options options, Config config, String refused, PrintStream out, PrintStream err, Map<String, String> env, Path userHome) {
        Path project = Path.of(options.flag("--project", System.getProperty("user.dir"))).toAbsolutePath();
        try {
            if (options.command().equals("doctor")) return new Doctor(config, refused, userHome, project, env, System.getProperty("os.name"), out).run() ? OK : USAGE_OR_TOOL_ERROR;
            var entryEnv = new LinkedHashMap<String, String>();  // what the server needs, written into the entry: Codex and Gemini do not pass the user's env
            for (Config.Setting s : Config.SETTINGS) {
                if (options.settings().containsKey(s.key()) && !s.key().equals("home")) entryEnv.put(s.env().get(0), options.settings().get(s.key()));
            }
            if (!config.value("home").source().equals("default")) entryEnv.put("HEARTH_HOME", config.home().toString());
            String jar = options.flag("--jar", null);
            var request = new Installer.Request(options.flag("--client", "claude-code"), options.flag("--scope", "user"), project,
                    options.flag("--name", "hearth"), jar != null ? Path.of(jar).toAbsolutePath() : runningJar(), entryEnv,
                    options.settings().containsKey("model_file"), options.has("--with-commands") || options.has("--full"),
                    options.has("--with-scripts") || options.has("--full"), options.has("--dry-run"));
            var installer = new Installer(userHome, config.home(), env, System.getProperty("os.name"), out);
            if (options.command().equals("install")) installer.install(request);
            else installer.uninstall(request);
            return OK;
        } catch (InstallException | IllegalArgumentException | IOException e) {
            err.println("error: " + e.getMessage());
            return CANNOT_START;
        }
    }

    /** The jar this JVM runs from, or null when it runs from classes (tests, the source launcher). */
    private static Path runningJar() {
        try {
            var source = Main.class.getProtectionDomain().getCodeSource();
            Path path = source == null ? null : Path.of(source.getLocation().toURI());
            return path != null && java.nio.file.Files.isRegularFile(path) ? path : null;
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
    }

    private static Object parseArgument(String key, String value) {
        try {
            return Json.parse(value);
        } catch (JsonException e) {
            throw new JsonException("argument '" + key + "' looks like JSON but is not: " + e.getMessage());
        }
    }

    static String help() {
        var text = new StringBuilder("""
                hearth %s: MCP tools that call a model running on this machine.

                Usage:
                  java -jar hearth.jar [options]                     MCP server over stdio (what MCP clients start)
                  java -jar hearth.jar call TOOL [key=value ...]     run one tool, print its text (exit 1 on a tool error)
                  java -jar hearth.jar serve --http [--port P]       MCP over Streamable HTTP at http://127.0.0.1:P/mcp
                  java -jar hearth.jar install [--client C] [...]    register hearth with an MCP client (copies the jar to ~/.hearth)
                  java -jar hearth.jar uninstall [--client C]        remove that registration, nothing else
                  java -jar hearth.jar doctor                        config, backend, models, which clients have hearth and whether it starts there (exit 1 on a problem)
                  java -jar hearth.jar --help | --version

                Examples:
                  java -jar hearth.jar call get_config
                  java -jar hearth.jar install --client codex --base-url http://127.0.0.1:11434 --dry-run
                  HEARTH_BASE_URL=http://127.0.0.1:11434 java -jar hearth.jar

                Options (each also read from the environment; a flag wins over the environment,
                which wins over ~/.hearth/state.json, which wins over the default):
                """.formatted(Config.VERSION));
        for (Config.Setting s : Config.SETTINGS) {
            text.append(String.format("  %-22s %s%n", s.flag() + " VALUE", s.help() + (s.defaultValue() != null ? " (default " + s.defaultValue() + ")" : "")));
            text.append(String.format("  %-22s   env %s%n", "", String.join(", ", s.env())));
        }
        for (var entry : Options.COMMAND_FLAGS.entrySet()) {
            text.append("\nOptions of ").append(entry.getKey()).append(":\n");
            for (Options.Flag f : entry.getValue()) text.append(String.format("  %-22s %s%n", f.name() + (f.takesValue() ? " VALUE" : ""), f.help()));
        }
        text.append("""

                Exit codes: 0 ok, 1 usage or tool error, 2 cannot start (unreadable config, port in use).
                """);
        return text.toString();
    }
}
