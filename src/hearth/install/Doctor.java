package hearth.install;

import hearth.backend.Backend;
import hearth.backend.BackendException;
import hearth.config.Config;
import hearth.json.Json;
import hearth.json.JsonException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

// `hearth doctor`: a report for a person. The config and where each value came from, the jar in
// ~/.hearth, whether the backend answers (kind, models), which clients have hearth registered with
// which jar, and whether each registered command starts, with its class cache. Returns false when
// something needs fixing; reads everything, writes nothing.
public final class Doctor {
    private final Config config;
    private final String refused;   // why the server cannot start with these settings, or null
    private final Path userHome, project;
    private final Map<String, String> env;
    private final String os;
    private final PrintStream out;
    private boolean commandsStart = true;
    private static final int START_SECONDS = 20;

    public Doctor(Config config, String refused, Path userHome, Path project, Map<String, String> env, String os, PrintStream out) {
        this.config = config;
        this.refused = refused;
        this.userHome = userHome;
        this.project = project;
        this.env = env;
        this.os = os;
        this.out = out;
    }

    public boolean run() {
        out.println("hearth " + Config.VERSION + " on Java " + Runtime.version() + " (" + Launch.currentJava() + ")");
        Path jar = config.home().resolve("hearth.jar");
        out.println("Home: " + config.home() + " (" + config.value("home").source() + "); installed jar: "
                + (Files.isRegularFile(jar) ? jar : "none yet (run: java -jar hearth.jar install)"));
        out.println();
        out.println("Config:");
        for (var e : config.describe().entrySet()) {
            var v = (Map<?, ?>) e.getValue();
            out.printf("  %-20s %s  (%s)%n", e.getKey(), v.get("value") == null ? "-" : v.get("value"), v.get("source"));
        }
        if (refused != null) out.println("  The server cannot start with these settings: " + refused);
        out.println();
        boolean ok = false;
        if (refused == null) ok = backend();
        else out.println("Backend: not checked until the settings are fixed");
        out.println();
        clients();
        return ok && commandsStart;
    }

    private boolean backend() {
        if (config.get("model_file") != null && !config.get("model_file").isBlank()) {
            out.println("Backend: hearth's own engine, model_file from " + config.value("model_file").source() + ":");
            try {
                out.println("  " + new Backend(config).modelFileReport());
                return true;
            } catch (BackendException e) {   // the file cannot be run, and why
                out.println("  " + e.getMessage());
                return false;
            }
        }
        var probe = new BackendProbe(Duration.ofSeconds(2), config.get("api_key"));
        String url = config.get("base_url");
        List<String> candidates = url != null ? List.of(url) : BackendProbe.WELL_KNOWN;
        out.println("Backend" + (url != null ? " (" + config.value("base_url").source() + "):" : ": none configured, trying the well-known local ports"));
        for (String candidate : candidates) {
            BackendProbe.Result r = probe.probe(candidate);
            if (r.error() == null) {
                out.println("  " + r.url() + ": reachable, " + r.kind() + ", " + r.millis() + " ms");
                out.println("  models (" + r.models().size() + "): " + (r.models().isEmpty() ? "none: load or pull one" : String.join(", ", r.models())));
                return true;
            }
            out.println("  " + r.url() + ": " + r.error());
        }
        out.println("  No backend answered. Start one (ollama serve; LM Studio: Developer > Start server; llama-server -m model.gguf),"
                + " or set HEARTH_BASE_URL to where yours listens.");
        return false;
    }

    private void clients() {
        out.println("Clients (hearth's entry, and the jar it runs):");
        for (Client client : Client.values()) {
            for (String scope : client.scopes()) {
                Path file = client.configFile(scope, userHome, project, env, os);
                out.printf("  %-26s %s%n", client.id + " (" + scope + ")", describe(client, file, client.serversPath(scope, project)));
            }
        }
    }

    private String describe(Client client, Path file, List<String> serversPath) {
        String text;
        try {
            text = ConfigFile.read(file);
        } catch (IOException e) {
            return file + ": cannot read (" + e.getMessage() + ")";
        }
        if (text == null) return "-";
        try {
            if (client.toml()) {
                TomlConfig toml = TomlConfig.parse(text, "hearth");
                var names = toml.servers().stream().filter(n -> toml.section(n).contains("hearth")).toList();
                if (names.isEmpty()) return file + ": hearth not registered";
                return file + ": " + String.join(", ", names.stream().map(n -> n + " → " + jarIn(toml.section(n)) + starts(tomlCommand(toml.section(n)))).toList());
            }
            JsonConfig json = JsonConfig.parse(text, serversPath, client.comments);
            var found = json.servers().entrySet().stream().filter(e -> e.getKey().contains("hearth") || Json.write(e.getValue()).contains("hearth")).toList();
            if (found.isEmpty()) return file + ": hearth not registered";
            return file + ": " + String.join(", ", found.stream().map(e -> e.getKey() + " → " + jarIn(Json.write(e.getValue())) + starts(jsonCommand(e.getValue()))).toList());
        } catch (RuntimeException e) {
            return file + ": cannot parse (" + e.getMessage() + ")";
        }
    }

    // the path after "-jar" in an entry's text, and whether it exists
    private static String jarIn(String entry) {
        int i = entry.indexOf("\"-jar\"");
        if (i < 0) return "no -jar in its command";
        int open = entry.indexOf('"', i + 6), close = open < 0 ? -1 : entry.indexOf('"', open + 1);
        if (close < 0) return "no -jar in its command";
        String jar = entry.substring(open + 1, close).replace("\\\\", "\\");
        return jar + (Files.isRegularFile(Path.of(jar)) ? "" : " (missing!)");
    }

    /**
     * Whether a registered command starts: run as the client runs it, with --version after the jar
     * and its class cache required. A JVM refuses a cache once the JDK or the jar has changed
     * since install, and then starts without it, slower, saying so only in the client's log.
     */
    private String starts(List<String> command) {
        if (command == null) return " (its command is not one hearth wrote: not started)";
        int jar = command.indexOf("-jar");
        if (jar < 0 || jar + 1 >= command.size()) return "";
        var run = new ArrayList<>(command.subList(0, jar + 2));
        run.add("--version");
        String strict = command.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=")) ? "-Xshare:on"
                : command.stream().anyMatch(a -> a.startsWith("-XX:AOTCache=")) ? "-XX:AOTMode=on" : null;
        if (strict != null) {
            var withCache = new ArrayList<>(run);
            withCache.add(jar, strict);
            if (exec(withCache) == null) return ", starts with its class cache";
        }
        String failed = exec(run);
        if (failed != null) {
            commandsStart = false;
            return ", DOES NOT START: " + failed;
        }
        return strict == null ? ", starts" : ", starts, but its JVM refuses the class cache (the JDK or the jar changed since install; run install again)";
    }

    /** Runs a command; null when it exits 0 in time, else its last line of output or what went wrong. */
    private static String exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            var read = CompletableFuture.supplyAsync(() -> {
                try (var in = p.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no exit within " + START_SECONDS + " s";
            }
            if (p.exitValue() == 0) return null;
            String output = read.join();
            return "exit " + p.exitValue() + (output.isEmpty() ? "" : ", " + output.substring(output.lastIndexOf('\n') + 1));
        } catch (IOException e) {
            return "cannot run " + command.get(0) + " (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static List<String> jsonCommand(Object entry) {
        if (!(entry instanceof Map<?, ?> m) || !(m.get("command") instanceof String command)) return null;
        var words = new ArrayList<>(List.of(command));
        if (m.get("args") instanceof List<?> args) for (Object a : args) {
            if (!(a instanceof String word)) return null;
            words.add(word);
        }
        return words;
    }

    // install's TOML block (TomlConfig.block): `command = "..."` and `args = [...]` on a line each, its basic strings read as JSON reads them
    private static List<String> tomlCommand(String section) {
        var command = Pattern.compile("(?m)^command = (\".*\")\\s*$").matcher(section);
        var args = Pattern.compile("(?m)^args = (\\[.*\\])\\s*$").matcher(section);
        if (!command.find() || !args.find()) return null;
        try {
            return jsonCommand(Json.obj("command", Json.parse(command.group(1)), "args", Json.parse(args.group(1))));
        } catch (JsonException e) {
            return null;
        }
    }
}
