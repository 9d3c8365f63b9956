package hearth.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

// Finds shellcheck, installing it when missing: Debian's package (apt-get, as root), else the npm
// package `shellcheck` under build/. Skips the calling test only when neither works, saying why loudly.
final class Shellcheck {
    private static final Path NPM_PREFIX = Path.of("build/shellcheck");

    private Shellcheck() {}

    static String find() throws IOException, InterruptedException {
        String found = onPath();
        if (found != null) return found;
        var why = new StringBuilder();
        if (attempt(why, "apt-get", "install", "-y", "shellcheck") && (found = onPath()) != null) return found;
        Path npmBin = NPM_PREFIX.resolve("node_modules/.bin/shellcheck").toAbsolutePath();
        if (Files.isExecutable(npmBin) || attempt(why, "npm", "install", "--no-audit", "--no-fund", "--prefix", NPM_PREFIX.toString(), "shellcheck")) {
            if (Files.isExecutable(npmBin)) return npmBin.toString();
        }
        System.err.println("\n!!! ScriptsTest: SKIPPED shellcheck - it is not on PATH and could not be installed:\n" + why + "!!!\n");
        Assumptions.abort("shellcheck unavailable: " + why);
        return null;
    }

    private static String onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "shellcheck");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static boolean attempt(StringBuilder why, String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) { p.destroyForcibly(); why.append(String.join(" ", command)).append(": timed out\n"); return false; }
            if (p.exitValue() == 0) return true;
            List<String> lines = output.lines().toList();
            why.append(String.join(" ", command)).append(": exit ").append(p.exitValue()).append(": ")
                    .append(lines.isEmpty() ? "" : lines.get(lines.size() - 1)).append('\n');
        } catch (IOException e) {
            why.append(String.join(" ", command)).append(": ").append(e.getMessage()).append('\n');
        }
        return false;
    }
}
