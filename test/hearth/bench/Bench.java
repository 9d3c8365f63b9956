package hearth.bench;

import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Session;
import hearth.tools.Registry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

// `make bench`: start-up to the initialize answer and idle memory of the built jar, against a JVM
// that starts and answers one line with nothing else (the floor any Java server pays), and the
// server's own cost per tools/call. Results are ratios against a baseline measured in the same run.
public final class Bench {
    private static final int STARTS = 10;
    private static final int CALLS = 20_000;

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("hearth-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}";

        Path floor = Files.createTempDirectory("hearth-bench-floor");
        Files.writeString(floor.resolve("Echo.java"), "public class Echo { public static void main(String[] a) throws Exception {"
                + " var r = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)); r.readLine();"
                + " System.out.println(\"{}\"); System.out.flush(); r.readLine(); } }");
        var javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "-d", floor.toString(),
                floor.resolve("Echo.java").toString()).inheritIO().start();
        if (javac.waitFor() != 0) throw new IllegalStateException("javac failed");

        long[] base = new long[STARTS], hearth = new long[STARTS];
        long baseRss = 0, hearthRss = 0;
        for (int i = 0; i < STARTS; i++) {
            var b = startup(List.of(java, "-cp", floor.toString(), "Echo"), init, home);
            var h = startup(List.of(java, "-jar", "build/hearth.jar"), init, home);
            base[i] = b[0]; hearth[i] = h[0];
            baseRss = Math.max(baseRss, b[1]); hearthRss = Math.max(hearthRss, h[1]);
        }
        double baseMs = median(base) / 1e6, hearthMs = median(hearth) / 1e6;
        System.out.printf("start-up to initialize answer: hearth %.0f ms, bare JVM echo %.0f ms, ratio %.2fx%n", hearthMs, baseMs, hearthMs / baseMs);
        System.out.printf("idle RSS after initialize: hearth %d MiB, bare JVM echo %d MiB, ratio %.2fx%n",
                hearthRss >> 10, baseRss >> 10, (double) hearthRss / baseRss);

        var server = Registry.server(Config.load(Map.of(), Map.of(), home));
        var session = new Session();
        server.accept(Rpc.request(0L, "initialize", Json.obj("protocolVersion", "2025-11-25", "capabilities", Json.obj())), session, m -> {});
        long[] perCall = new long[CALLS];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            for (int i = 0; i < CALLS; i++) perCall[i] = roundTrip(server, session, i);
        }
        Arrays.sort(perCall);
        System.out.printf("in-process tools/call get_config (parse+dispatch+write): p50 %.1f us, p99 %.1f us over %d calls%n",
                perCall[CALLS / 2] / 1e3, perCall[CALLS * 99 / 100] / 1e3, CALLS);
        server.close();
    }

    private static long roundTrip(McpServer server, Session session, long id) throws Exception {
        String line = "{\"jsonrpc\":\"2.0\",\"id\":" + (id + 1) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_config\",\"arguments\":{}}}";
        var done = new CompletableFuture<String>();
        long t0 = System.nanoTime();
        server.accept(Json.parse(line), session, m -> done.complete(Json.write(m)));
        done.get(5, TimeUnit.SECONDS);
        return System.nanoTime() - t0;
    }

    /** Starts a process, sends one line, times the first answer line, then reads its peak RSS (KiB). */
    private static long[] startup(List<String> command, String line, Path home) throws Exception {
        var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("HEARTH_HOME", home.toString());
        long t0 = System.nanoTime();
        var p = builder.start();
        p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        long elapsed = System.nanoTime() - t0;
        long rss = 0;
        for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
            if (l.startsWith("VmHWM:")) rss = Long.parseLong(l.replaceAll("\\D", ""));
        }
        p.getOutputStream().close();
        p.waitFor(30, TimeUnit.SECONDS);
        return new long[] {elapsed, rss};
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
