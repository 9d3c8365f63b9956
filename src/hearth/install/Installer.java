package hearth.install;

import hearth.json.Json;
import hearth.json.JsonException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// install and uninstall: copies the jar to ~/.hearth, then adds, replaces or removes hearth's one
// entry in a client's config and nothing else. A file it cannot parse is refused with line:column
// and left alone; every change is backed up to ~/.hearth/backups and written atomically; --dry-run
// prints every file exactly as it would be written and touches nothing. Output goes to `out`.
public final class Installer {
    static final int GEMINI_TIMEOUT_MS = 600_000;     // Gemini's per-call limit; also bounds `gemini mcp list`
    static final int CODEX_STARTUP_SECONDS = 30;
    static final int CODEX_TOOL_SECONDS = 600;        // Codex has no short default, but say it
    static final int MAX_DRY_RUN_CHARS = 64 * 1024;   // ~/.claude.json can hold megabytes of history

    /** One install or uninstall. `env`: what the server needs written into its entry (HEARTH_BASE_URL, ...). */
    public record Request(String client, String scope, Path project, String name, Path jar, Map<String, String> env,
                          boolean engine, boolean withCommands, boolean withScripts, boolean dryRun) {
        /** This request with the launch's own env (Launch.env) after the user's settings. */
        Request withLaunchEnv() {
            var all = new LinkedHashMap<>(env);
            all.putAll(Launch.env(engine));
            return new Request(client, scope, project, name, jar, all, engine, withCommands, withScripts, dryRun);
        }
    }

    private final Path userHome, hearthHome;
    private final Map<String, String> processEnv;
    private final String os;
    private final PrintStream out;

    public Installer(Path userHome, Path hearthHome, Map<String, String> processEnv, String os, PrintStream out) {
        this.userHome = userHome;
        this.hearthHome = hearthHome;
        this.processEnv = processEnv;
        this.os = os;
        this.out = out;
    }

    public void install(Request request) throws IOException {
        Request r = request.withLaunchEnv();
        Client client = Client.of(r.client());
        Path file = client.configFile(r.scope(), userHome, r.project(), processEnv, os);
        String before = ConfigFile.read(file);
        Path installedJar = hearthHome.resolve("hearth.jar");
        if (r.jar() == null) {
            throw new InstallException("install copies the running jar, but hearth is not running from a jar; build it (./build.sh) and run "
                    + "java -jar build/hearth.jar install, or pass --jar PATH");
        }
        if (!Files.isRegularFile(r.jar())) throw new InstallException("no jar at " + r.jar() + " (--jar must name hearth's jar)");
        Path cache = Launch.classCache(hearthHome, r.engine());
        var launch = new Launch(Launch.currentJava(), Launch.flags(r.engine(), cache), installedJar);
        String after = withEntry(client, file, before, r, launch);

        if (r.dryRun()) {
            out.println("Dry run: nothing is written. install would:");
            out.println("  copy " + r.jar() + " to " + installedJar);
            out.println("  create the " + Launch.classCacheKind() + " " + cache + " with one training run of the jar (JDK " + Runtime.version().feature()
                    + (r.engine() ? ", reading the model file once" : "") + ")");
            if (r.withCommands()) out.println("  copy " + Bundle.COMMANDS.size() + " slash commands to " + commandsDir(client, r));
            if (r.withScripts()) out.println("  copy " + Bundle.SCRIPTS.size() + " scripts to " + scriptsDir());
            out.println("  " + (before == null ? "create " : "write ") + file + ":");
            out.print(after.length() <= MAX_DRY_RUN_CHARS ? after : entryText(client, r.name(), launch, r.env())
                    + "(only hearth's entry is shown; the other " + (after.length() - MAX_DRY_RUN_CHARS) + "+ characters stay as they are)\n");
            return;
        }
        Files.createDirectories(hearthHome);
        // The same jar is left as it is: a class cache holds its size and time, and a copy would
        // spoil the cache of every other registration.
        byte[] jar = Files.readAllBytes(r.jar());
        if (Files.isRegularFile(installedJar) && Arrays.equals(jar, Files.readAllBytes(installedJar))) {
            out.println(installedJar + " is already this jar");
        } else {
            ConfigFile.write(installedJar, jar, "rw-r--r--");
            out.println("Copied " + r.jar() + " to " + installedJar);
            Path other = Launch.classCache(hearthHome, !r.engine());
            if (Files.isRegularFile(other)) {
                out.println("The " + Launch.classCacheKind() + " " + other + " was for the old jar: run install again for the registrations"
                        + (r.engine() ? " without" : " with") + " --model-file, or they start without it");
            }
        }
        String failed = Launch.trainClassCache(launch.java(), Launch.flags(r.engine(), null), installedJar, cache, hearthHome, r.env(), r.engine());
        if (failed != null) {
            out.println("No " + Launch.classCacheKind() + " (" + failed + "); hearth starts without one");
            launch = new Launch(launch.java(), Launch.flags(r.engine(), null), installedJar);
            after = withEntry(client, file, before, r, launch);
        } else {
            out.println("Created the " + Launch.classCacheKind() + " " + cache + " for a faster start");
        }
        if (before != null && !before.equals(after)) out.println("Backed up " + file + " to " + ConfigFile.backup(file, hearthHome.resolve("backups"), client.id));
        if (!after.equals(before)) ConfigFile.write(file, after, r.env().containsKey("HEARTH_API_KEY"));
        out.println((before == null ? "Created " : "Updated ") + file + " with the server '" + r.name() + "':");
        out.println("  " + launch.display());
        for (var e : r.env().entrySet()) out.println("  " + e.getKey() + "=" + (e.getKey().equals("HEARTH_API_KEY") ? "(set)" : e.getValue()));
        if (r.withCommands()) copyCommands(commandsDir(client, r));
        if (r.withScripts()) copyScripts();
        if (client == Client.CLAUDE_CODE && r.scope().equals("project")) {
            out.println("Claude Code asks once to approve servers from .mcp.json; `claude mcp list` shows them as pending until then.");
        }
        if (client == Client.CODEX && r.scope().equals("project")) {
            out.println("Codex reads " + file + " only for a trusted project ([projects.\"" + r.project() + "\"] trust_level = \"trusted\").");
        }
        out.println("Restart " + client.title + " to apply.");
    }

    public void uninstall(Request r) throws IOException {
        Client client = Client.of(r.client());
        Path file = client.configFile(r.scope(), userHome, r.project(), processEnv, os);
        String before = ConfigFile.read(file);
        String after = before == null ? null : withoutEntry(client, file, before, r);
        if (after == null || after.equals(before)) {
            out.println("'" + r.name() + "' is not registered in " + file + (before == null ? " (no such file)" : "") + "; nothing changed.");
            return;
        }
        if (r.dryRun()) {
            out.println("Dry run: nothing is written. uninstall would " + (after.isEmpty() ? "delete " + file + " (only hearth was in it)" : "write " + file + ":"));
            out.print(after.length() <= MAX_DRY_RUN_CHARS ? after : "(the file without hearth's entry)\n");
            return;
        }
        out.println("Backed up " + file + " to " + ConfigFile.backup(file, hearthHome.resolve("backups"), client.id));
        if (after.isEmpty()) ConfigFile.delete(file);
        else ConfigFile.write(file, after, false);
        out.println("Removed '" + r.name() + "' from " + file + (after.isEmpty() ? " (and the file, which held nothing else)" : ""));
        out.println("The jar " + hearthHome.resolve("hearth.jar") + ", slash commands and scripts stay; delete them by hand if you want them gone.");
        out.println("Restart " + client.title + " to apply.");
    }

    /** The client's file with hearth's entry added or replaced. */
    String withEntry(Client client, Path file, String before, Request r, Launch launch) {
        if (client.toml()) {
            TomlConfig toml = parseToml(file, before, r.name());
            return toml.put(r.name(), TomlConfig.block(r.name(), launch.java(), launch.args(), r.env(), CODEX_STARTUP_SECONDS, CODEX_TOOL_SECONDS));
        }
        JsonConfig json = parseJson(client, file, before, client.serversPath(r.scope(), r.project()));
        json.put(r.name(), entry(client, launch, r.env()));
        return json.render();
    }

    /** The client's file without hearth's entry; "" when nothing else was in it (uninstall deletes the file). */
    String withoutEntry(Client client, Path file, String before, Request r) {
        if (client.toml()) return parseToml(file, before, r.name()).remove(r.name());
        JsonConfig json = parseJson(client, file, before, client.serversPath(r.scope(), r.project()));
        if (!json.remove(r.name())) return before;
        return json.isEmpty() ? "" : json.render();
    }

    /** The server entry in each client's own shape (CLIENTS.md §2.2, §3, §5.1, §6). */
    static Map<String, Object> entry(Client client, Launch launch, Map<String, String> env) {
        var entry = new LinkedHashMap<String, Object>();
        if (client == Client.CLAUDE_CODE || client == Client.VSCODE) entry.put("type", "stdio");
        entry.put("command", launch.java());
        entry.put("args", new ArrayList<Object>(launch.args()));
        entry.put("env", new LinkedHashMap<String, Object>(env));
        if (client == Client.GEMINI) entry.put("timeout", (long) GEMINI_TIMEOUT_MS);
        return entry;
    }

    private static String entryText(Client client, String name, Launch launch, Map<String, String> env) {
        if (client.toml()) return TomlConfig.block(name, launch.java(), launch.args(), env, CODEX_STARTUP_SECONDS, CODEX_TOOL_SECONDS);
        return "\"" + client.key + "\": {\"" + name + "\": " + Json.pretty(entry(client, launch, env), "  ") + "}\n";
    }

    private static JsonConfig parseJson(Client client, Path file, String text, List<String> path) {
        try {
            return JsonConfig.parse(text, path, client.comments);
        } catch (JsonException e) {
            throw refused(file, e.getMessage());
        }
    }

    private static TomlConfig parseToml(Path file, String text, String name) {
        try {
            return TomlConfig.parse(text, name);
        } catch (IllegalArgumentException e) {
            throw refused(file, e.getMessage());
        }
    }

    private static InstallException refused(Path file, String why) {
        return new InstallException("cannot parse " + file + ": " + why + ". Nothing was changed: fix the file (or move it away) and run this again.");
    }

    private Path commandsDir(Client client, Request r) {
        return Client.commandsDir(client == Client.CLAUDE_CODE ? r.scope() : "user", userHome, r.project(), processEnv);
    }

    private Path scriptsDir() {
        return userHome.resolve(".local").resolve("bin");
    }

    private void copyCommands(Path dir) throws IOException {
        for (String name : Bundle.COMMANDS) {
            Path target = dir.resolve(name + ".md");
            String text = Bundle.command(name).text();
            String old = ConfigFile.read(target);
            if (old != null && !old.equals(text)) out.println("Backed up your " + target + " to " + ConfigFile.backup(target, hearthHome.resolve("backups"), "command"));
            ConfigFile.write(target, text, false);
        }
        out.println("Copied the slash commands /" + String.join(", /", Bundle.COMMANDS) + " to " + dir);
    }

    private void copyScripts() throws IOException {
        Path dir = scriptsDir();
        for (String name : Bundle.SCRIPTS) {
            ConfigFile.write(dir.resolve("hearth-" + name), Bundle.script(name).getBytes(java.nio.charset.StandardCharsets.UTF_8), "rwxr-xr-x");
        }
        out.println("Copied hearth-" + String.join(", hearth-", Bundle.SCRIPTS) + " to " + dir + " (put it on your PATH)");
        Path apps = hearthHome.resolve("big-model-apps");
        if (!Files.exists(apps)) {
            ConfigFile.write(apps, """
                    # Apps hearth-free-ram may close to make room for a big model, one per line. Only these are ever touched.
                    # macOS: the application's name, as in the Dock (it is asked to quit and reopened afterwards).
                    # Linux: the exact process name (pgrep -x NAME); it gets SIGTERM and is started again afterwards.
                    # Slack
                    # Google Chrome
                    """, false);
            out.println("Created " + apps + ": list the apps the big-model scripts may close there");
        }
    }
}
