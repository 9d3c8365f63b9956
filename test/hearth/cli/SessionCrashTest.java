package hearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.json.Json;
import hearth.testing.FakeBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// kill -9 mid-conversation, over and over: build/hearth.jar serves one session against a loopback
// backend with several turns in flight, and is killed after a random number of answers (some replies
// are large, so a kill can land inside a write, and every fourth round leaves a torn line as such a
// kill would). After every kill the file must hold every turn whose
// answer was received, numbered 1..n with no gap, with at most a torn last line; and the next
// process must load the session and go on.
class SessionCrashTest {
    private static final int ROUNDS = 20;
    private static final int TURNS_PER_ROUND = 6;
    private static final String PADDING = "x".repeat(64 * 1024);   // spans many pages: a kill can cut the line

    @TempDir Path home;
    FakeBackend fake;

    @BeforeEach
    void startBackend() throws Exception {
        fake = new FakeBackend();
        fake.on("POST /v1/chat/completions", ex -> {
            var messages = (List<?>) Json.parseObject((String) ex.getAttribute(FakeBackend.BODY)).get("messages");
            String last = String.valueOf(((Map<?, ?>) messages.get(messages.size() - 1)).get("content"));
            FakeBackend.send(ex, 200, "application/json", Json.write(Json.obj("model", "tiny", "choices", List.of(Json.obj("index", 0L,
                    "message", Json.obj("role", "assistant", "content", reply(last)), "finish_reason", "stop")))));
        });
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static String reply(String message) {
        return "echo: " + message + (message.charAt(message.length() - 1) % 2 == 0 ? PADDING : "");   // every other turn is large
    }

    @Test
    void jar_killedMidConversation_neverLosesAnAnsweredTurn() throws Exception {
        long seed = System.nanoTime();
        var random = new Random(seed);
        var acknowledged = new LinkedHashMap<String, String>();   // message → reply, for every answer received
        Path file = home.resolve("sessions/crash.jsonl");
        for (int round = 0; round < ROUNDS; round++) {
            String where = "round " + round + " (seed " + seed + ")";
            var process = startJar();
            var lines = lines(process);
            OutputStream in = process.getOutputStream();
            send(in, Json.obj("jsonrpc", "2.0", "id", 0L, "method", "initialize", "params",
                    Json.obj("protocolVersion", "2025-11-25", "capabilities", Json.obj(), "clientInfo", Json.obj("name", "crash", "version", "1"))));
            send(in, Json.obj("jsonrpc", "2.0", "method", "notifications/initialized"));
            send(in, Json.obj("jsonrpc", "2.0", "id", 1L, "method", "resources/read", "params", Json.obj("uri", "hearth://sessions/crash")));
            var messages = new LinkedHashMap<Long, String>();
            for (int k = 0; k < TURNS_PER_ROUND; k++) {
                String message = "r" + round + "-" + k;
                messages.put(10L + k, message);
                send(in, Json.obj("jsonrpc", "2.0", "id", 10L + k, "method", "tools/call",
                        "params", Json.obj("name", "chat", "arguments", Json.obj("session_id", "crash", "message", message))));
            }
            // chat answers to wait for before the kill; the last round waits for all, so it reads past every torn line left
            int killAfter = round == ROUNDS - 1 ? TURNS_PER_ROUND : random.nextInt(TURNS_PER_ROUND + 1);
            int answered = 0;
            boolean loaded = false;
            while (answered < killAfter || !loaded) {   // the fresh process must always load the session
                var m = Json.parseObject(next(lines, where));
                Object id = m.get("id");
                if (Long.valueOf(1L).equals(id)) {
                    assertLoaded(m, acknowledged, where);
                    loaded = true;
                } else if (messages.containsKey(id)) {
                    var result = (Map<?, ?>) m.get("result");
                    assertNotNull(result, where + ": " + m);
                    assertTrue(!Boolean.TRUE.equals(result.get("isError")), where + ": " + m);
                    String message = messages.get(id);
                    assertEquals(reply(message), ((Map<?, ?>) result.get("structuredContent")).get("text"), where);
                    acknowledged.put(message, reply(message));
                    answered++;
                }
            }
            process.destroyForcibly();   // SIGKILL: no shutdown hook, no flush
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), where + ": the killed process did not exit");
            assertFileHolds(file, acknowledged, where);
            System.err.println(where + ": killed after " + answered + " answers, " + acknowledged.size() + " answered turns so far");
            if (round % 4 == 3 && round < ROUNDS - 1 && Files.exists(file) && Files.readString(file).endsWith("\n")) {
                // a kill inside a write is rare on an idle disk: leave the torn line such a kill leaves
                Files.writeString(file, "{\"turn\":999,\"user\":\"never answ", java.nio.file.StandardOpenOption.APPEND);
            }
        }
        assertTrue(acknowledged.size() > 0, "no turn was ever answered (seed " + seed + ")");
        assertTrue(Files.readString(home.resolve("stderr.log")).contains("session crash: skipped the last line"), "no torn-line warning on stderr");
    }

    /** The resources/read answer of a fresh process: the session loads and holds what was answered before. */
    private static void assertLoaded(Map<String, Object> m, Map<String, String> acknowledged, String where) {
        var result = (Map<?, ?>) m.get("result");
        if (result == null && acknowledged.isEmpty()) return;   // round 0 before any turn: no session yet (-32002)
        assertNotNull(result, where + ": the session did not load: " + m);
        var session = Json.parseObject((String) ((Map<?, ?>) ((List<?>) result.get("contents")).get(0)).get("text"));
        var seen = new LinkedHashMap<String, String>();
        for (Object t : (List<?>) session.get("turns")) seen.put((String) ((Map<?, ?>) t).get("user"), (String) ((Map<?, ?>) t).get("assistant"));
        for (var e : acknowledged.entrySet()) assertEquals(e.getValue(), seen.get(e.getKey()), where + ": answered turn missing from the resource");
    }

    /** Every line but a torn last one parses; turns run 1..n; every answered turn is there with its reply. */
    private static void assertFileHolds(Path file, Map<String, String> acknowledged, String where) throws Exception {
        if (acknowledged.isEmpty() && !Files.exists(file)) return;
        String text = Files.readString(file);
        var lines = new ArrayList<>(List.of(text.split("\n", -1)));
        String tail = lines.remove(lines.size() - 1);   // "" when the file ends with a newline, else a torn line
        var seen = new LinkedHashMap<String, String>();
        long expected = 1;
        for (String line : lines) {
            var turn = Json.parseObject(line);
            assertEquals(expected++, turn.get("turn"), where + ": turns must be numbered without gaps");
            seen.put((String) turn.get("user"), (String) turn.get("assistant"));
        }
        for (var e : acknowledged.entrySet()) assertEquals(e.getValue(), seen.get(e.getKey()), where + ": answered turn " + e.getKey() + " lost");
        if (!tail.isEmpty()) System.err.println(where + ": torn last line of " + tail.length() + " chars left by the kill");
    }

    private Process startJar() throws Exception {
        // the flags `install` registers (Launch): C1 only and a serial GC start the JVM faster, 20 times over
        var builder = new ProcessBuilder(JarTest.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "build/hearth.jar", "serve");
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        builder.environment().put("HEARTH_HOME", home.toString());
        builder.environment().put("HEARTH_BASE_URL", fake.url());
        builder.environment().put("HEARTH_BACKEND", "llamacpp");
        builder.environment().put("HEARTH_MODEL", "tiny");
        builder.redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("stderr.log").toFile()));
        return builder.start();
    }

    private static void send(OutputStream in, Map<String, Object> message) throws Exception {
        in.write((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** stdout lines as they come, read on a daemon thread so a hung process fails the test instead of blocking it. */
    private static BlockingQueue<String> lines(Process process) {
        var queue = new LinkedBlockingQueue<String>();
        var reader = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) queue.add(line);
            } catch (java.io.IOException e) {
                // the process was killed: its stdout is gone
            }
        }, "crash-test-stdout");
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    private static String next(BlockingQueue<String> lines, String where) throws InterruptedException {
        String line = lines.poll(20, TimeUnit.SECONDS);
        if (line == null) throw new AssertionError(where + ": no answer from hearth within 20 s");
        return line;
    }
}
