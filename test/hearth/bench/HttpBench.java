package hearth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

// Load on `serve --http`: the built jar on loopback, 32 concurrent clients, each with its own MCP
// session, sending 500 tools/call get_config requests one after another. Reports throughput,
// p50/p99 latency, errors (anything but a 200 with a result: must be 0) and the server's peak RSS.
public final class HttpBench {
    private static final int CLIENTS = 32;
    private static final int REQUESTS = 500;
    private static final int WARMUP_REQUESTS = 100;   // per client, before the timed run: the JIT warms up first

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("hearth-httpbench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-jar", "build/hearth.jar", "serve", "--http", "--port", "0");
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        builder.environment().put("HEARTH_HOME", home.toString());
        Process server = builder.start();
        var errors = new AtomicLong();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.contains("http://")) throw new IllegalStateException("the server did not start: " + line);
            URI uri = URI.create(line.substring(line.indexOf("http://")).strip());
            var client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            run(pool, client, uri, WARMUP_REQUESTS, errors);
            errors.set(0);
            long t0 = System.nanoTime();
            long[] latencies = run(pool, client, uri, REQUESTS, errors);
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            Arrays.sort(latencies);
            System.out.printf("http: %d clients x %d tools/call on loopback: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %d, "
                    + "server peak RSS %d MiB, server CPU %.2f ms per request (warm-up included), %d cores shared with the clients%n",
                    CLIENTS, REQUESTS, latencies.length / seconds, latencies[latencies.length / 2] / 1e6,
                    latencies[latencies.length * 99 / 100] / 1e6, errors.get(), peakRssKib(server.pid()) >> 10,
                    cpuMillis(server) / (CLIENTS * (REQUESTS + WARMUP_REQUESTS + 2.0)), Runtime.getRuntime().availableProcessors());
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        System.exit(errors.get() == 0 ? 0 : 1);   // the HTTP client's threads would keep the JVM alive
    }

    /** Every client runs `requests` calls in its own session; returns all latencies in nanoseconds. */
    private static long[] run(ExecutorService pool, HttpClient client, URI uri, int requests, AtomicLong errors) throws Exception {
        var futures = new ArrayList<Future<long[]>>();
        for (int c = 0; c < CLIENTS; c++) {
            Callable<long[]> task = () -> {
                String session = initialize(client, uri);
                long[] times = new long[requests];
                for (int i = 0; i < requests; i++) {
                    String body = "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 2) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_config\",\"arguments\":{}}}";
                    long t = System.nanoTime();
                    try {
                        var reply = client.send(post(uri, body).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25").build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (reply.statusCode() != 200 || !reply.body().contains("\"result\"")) errors.incrementAndGet();
                    } catch (java.io.IOException e) {
                        errors.incrementAndGet();
                    }
                    times[i] = System.nanoTime() - t;
                }
                return times;
            };
            futures.add(pool.submit(task));
        }
        var all = new long[CLIENTS * requests];
        for (int c = 0; c < CLIENTS; c++) System.arraycopy(futures.get(c).get(10, TimeUnit.MINUTES), 0, all, c * requests, requests);
        return all;
    }

    private static String initialize(HttpClient client, URI uri) throws Exception {
        var reply = client.send(post(uri, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}").build(), HttpResponse.BodyHandlers.ofString());
        String session = reply.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new IllegalStateException("no session: " + reply.body()));
        client.send(post(uri, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Mcp-Session-Id", session).build(),
                HttpResponse.BodyHandlers.discarding());
        return session;
    }

    private static HttpRequest.Builder post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .headers("Content-Type", "application/json", "Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** The process's user + system CPU time so far, in milliseconds. */
    private static double cpuMillis(Process process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
    }

    /** VmHWM: the most resident memory the process has had, in KiB (Linux). */
    private static long peakRssKib(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }

    private HttpBench() {}
}
