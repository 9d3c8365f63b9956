package hearth.bench;

import com.sun.net.httpserver.HttpServer;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.McpServer;
import hearth.mcp.Rpc;
import hearth.mcp.Session;
import hearth.tools.Registry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// `make bench` (issue 3 §6): what hearth adds over sending the same chat straight to a loopback
// backend: latency p50/p99 over 500+ calls, the lag from a streamed token leaving the backend to
// its progress notification, and 16 parallel chats' throughput against the backend's own.
// Targets: added p50 ≤ 1 ms, p99 ≤ 5 ms; lag p99 ≤ 5 ms; throughput ≥ 0.95×. build.sh runs it with
// the JVM flags install gives the server (serial GC, C1 only), so it measures what a client gets.
public final class BackendBench {
    private static final int CALLS = 600, WARMUP = 300, PARALLEL = 16, PARALLEL_CALLS = 20, PARALLEL_ROUNDS = 5, GENERATE_MILLIS = 20, STREAM_TOKENS = 400;
    private static final int LAG_RUNS = 60;   // ~5 notifications per stream (one per 100 ms): 300 samples, so p99 is not just the maximum
    private static final int LAG_WARMUP = 5;  // streams whose lag is not counted: the streaming path's first runs are still being compiled
    private static final String REPLY = "{\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";
    private static final Pattern TOKENS = Pattern.compile(": (\\d+) tokens");

    public static void main(String[] args) throws Exception {
        // Real backends (llama.cpp's httplib, Ollama's Go server) set TCP_NODELAY; the JDK's HttpServer
        // does not unless told, and its Nagle + the client's delayed ACK would add ~40 ms to every reply.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var delay = new AtomicLong(0);
        var written = new ConcurrentHashMap<Integer, Long>();   // chunk number → when the backend wrote it
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (delay.get() > 0) new java.util.concurrent.CountDownLatch(1).await(delay.get(), TimeUnit.MILLISECONDS); // the model "generating"
                if (body.contains("\"stream\":true")) {
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    for (int i = 1; i <= STREAM_TOKENS; i++) {
                        written.put(i, System.nanoTime());
                        out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t \"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        new java.util.concurrent.CountDownLatch(1).await(1, TimeUnit.MILLISECONDS);   // ~1000 tok/s
                    }
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] bytes = REPLY.getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, bytes.length);
                    ex.getResponseBody().write(bytes);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort();
        var home = Files.createTempDirectory("hearth-backend-bench");
        McpServer server = Registry.server(Config.load(Map.of("base_url", url, "backend", "llamacpp", "model", "bench"), Map.of(), home));
        var session = new Session();
        server.accept(Rpc.request(0L, "initialize", Json.obj("protocolVersion", "2025-11-25", "capabilities", Json.obj())), session, m -> {});
        HttpClient direct = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY).build();
        String body = Json.write(Json.obj("model", "bench", "messages", List.of(Json.obj("role", "user", "content", "hi")), "stream", false, "max_tokens", 4096L));

        long[] viaDirect = new long[CALLS], viaHearth = new long[CALLS];
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? WARMUP : CALLS;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                direct.send(post(url, body), HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                chat(server, session, 1000 + i, null, new LinkedBlockingQueue<>());
                long t2 = System.nanoTime();
                if (round == 1) { viaDirect[i] = t1 - t0; viaHearth[i] = t2 - t1; }
            }
        }
        double d50 = pct(viaDirect, 50), d99 = pct(viaDirect, 99), h50 = pct(viaHearth, 50), h99 = pct(viaHearth, 99);
        System.out.printf("chat latency over %d calls: direct p50 %.3f ms p99 %.3f ms; hearth p50 %.3f ms p99 %.3f ms; added p50 %.3f ms, p99 %.3f ms (targets ≤ 1, ≤ 5)%n",
                CALLS, d50, d99, h50, h99, h50 - d50, h99 - d99);

        var lags = new ArrayList<Long>();
        for (int run = -LAG_WARMUP; run < LAG_RUNS; run++) {
            var seen = new LinkedBlockingQueue<Object[]>();
            chat(server, session, 5000 + run, "bench-" + run, seen);
            if (run < 0) continue;
            for (Object[] s : seen) {
                Matcher m = TOKENS.matcher((String) s[0]);
                if (m.find() && written.get(Integer.parseInt(m.group(1))) != null) lags.add((Long) s[1] - written.get(Integer.parseInt(m.group(1))));
            }
        }
        long[] lag = lags.stream().mapToLong(Long::longValue).toArray();
        System.out.printf("streamed token → progress notification over %d notifications: p50 %.3f ms, p99 %.3f ms (target p99 ≤ 5)%n",
                lag.length, pct(lag, 50), pct(lag, 99));

        delay.set(GENERATE_MILLIS);
        var ids = new AtomicLong(10_000);
        double directRate = 0, hearthRate = 0;
        for (int round = 0; round < PARALLEL_ROUNDS; round++) {   // interleaved, so a noisy second hits both sides alike
            directRate += parallel(() -> direct.send(post(url, body), HttpResponse.BodyHandlers.ofString())) / PARALLEL_ROUNDS;
            hearthRate += parallel(() -> chat(server, session, ids.incrementAndGet(), null, new LinkedBlockingQueue<>())) / PARALLEL_ROUNDS;
        }
        System.out.printf("%d parallel chats (%d ms each at the backend): direct %.1f chats/s, hearth %.1f chats/s, ratio %.3fx (target ≥ 0.95)%n",
                PARALLEL, GENERATE_MILLIS, directRate, hearthRate, hearthRate / directRate);
        backend.stop(0);
        server.close();
        System.exit(0);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double parallel(Work work) throws Exception {
        var pool = Executors.newFixedThreadPool(PARALLEL);
        long t0 = System.nanoTime();
        var futures = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < PARALLEL; i++) {
            futures.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int j = 0; j < PARALLEL_CALLS; j++) work.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        for (var f : futures) f.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        return PARALLEL * PARALLEL_CALLS / ((System.nanoTime() - t0) / 1e9);
    }

    /** One tools/call chat; progress messages (with arrival time) go to `progress` when a token is given. */
    private static void chat(McpServer server, Session session, long id, String progressToken, LinkedBlockingQueue<Object[]> progress) throws Exception {
        var done = new CompletableFuture<Map<String, Object>>();
        var params = Json.obj("name", "chat", "arguments", Json.obj("message", "hi"));
        if (progressToken != null) params.put("_meta", Json.obj("progressToken", progressToken));
        server.accept(Rpc.request(id, "tools/call", params), session, m -> {
            if (id == ((Number) m.getOrDefault("id", -1L)).longValue()) done.complete(m);
            else if (m.get("params") instanceof Map<?, ?> p && progressToken != null && progressToken.equals(p.get("progressToken"))) {
                progress.add(new Object[] {String.valueOf(p.get("message")), System.nanoTime()});
            }
        });
        var reply = done.get(60, TimeUnit.SECONDS);
        if (reply.get("result") instanceof Map<?, ?> r && Boolean.TRUE.equals(r.get("isError"))) throw new IllegalStateException(Json.write(r));
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static double pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(sorted.length * p / 100.0);   // nearest rank: p99 of 300 is the 297th, not the largest
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
