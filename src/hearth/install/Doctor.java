package hearth.install;

import hearth.config.Config;
import hearth.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

// `hearth doctor`: a report for a person. The config and where each value came from, the jar in
// ~/.hearth, whether the backend answers (kind, models), and which clients have hearth registered
// with which jar. Returns false when something needs fixing; reads everything, writes nothing.
public final class Doctor {
    private final Config config;
    private final Path userHome, project;
    private final Map<String, String> env;
    private final String os;
    private final PrintStream out;

    public Doctor(Config config, Path userHome, Path project, Map<String, String> env, String os, PrintStream out) {
        this.config = config;
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
        out.println();
        boolean ok = backend();
        out.println();
        clients();
        return ok;
    }

    private boolean backend() {
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
                return file + ": " + String.join(", ", names.stream().map(n -> n + " → " + jarIn(toml.section(n))).toList());
            }
            JsonConfig json = JsonConfig.parse(text, serversPath, client.comments);
            var found = json.servers().entrySet().stream().filter(e -> e.getKey().contains("hearth") || Json.write(e.getValue()).contains("hearth")).toList();
            if (found.isEmpty()) return file + ": hearth not registered";
            return file + ": " + String.join(", ", found.stream().map(e -> e.getKey() + " → " + jarIn(Json.write(e.getValue()))).toList());
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
}
