package hearth.transport;

import static org.junit.jupiter.api.Assertions.*;

import hearth.testing.Conformance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// `java -jar build/hearth.jar serve --http` end to end: the URL line on stderr, a session over the
// wire, SIGTERM, exit 2 for a taken port or a wide address without a token, and the official MCP
// conformance suite through ../shared/checks/conformance.sh (0.1.16, and 0.2's 2026-07-28 scenarios).
class HttpJarTest {
    // 2026-07-28 scenarios that need the suite's fixture tools, which hearth does not ship: MRTR
    // (test_input_required_result_*), x-mcp-header parameters, and server-stateless's
    // test_missing_capability / test_streaming_elicitation / test_logging_tool probes.
    private static final String FIXTURE_ONLY = String.join(",", "server-stateless", "http-custom-header-server-validation",
            "input-required-result-basic-elicitation", "input-required-result-basic-list-roots", "input-required-result-basic-sampling",
            "input-required-result-capability-check", "input-required-result-multi-round", "input-required-result-multiple-input-requests",
            "input-required-result-non-tool-request", "input-required-result-request-state", "input-required-result-result-type",
            "input-required-result-tampered-state", "input-required-result-ignore-extra-params", "input-required-result-missing-input-response");

    @TempDir Path home;

    @Test
    void jar_serveHttp_printsUrlServesAndStopsOnSigterm() throws Exception {
        var process = start(List.of("serve", "--http", "--port", "0"));
        try {
            var stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
            String line = stderr.readLine();
            assertNotNull(line);
            assertTrue(line.matches("hearth: serving MCP at http://127\\.0\\.0\\.1:\\d+/mcp"), line);
            var client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            var reply = client.send(HttpRequest.newBuilder(URI.create(line.substring(line.indexOf("http"))))
                    .headers("Content-Type", "application/json", "Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode());
            assertTrue(reply.headers().firstValue("Mcp-Session-Id").isPresent());
            assertTrue(reply.body().contains("\"protocolVersion\":\"2025-06-18\""), reply.body());
        } finally {
            process.destroy();   // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "no exit within 30 s of SIGTERM");
        }
    }

    @Test
    void jar_portInUse_exits2() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var result = run(List.of("serve", "--http", "--port", String.valueOf(taken.getLocalPort())));
            assertEquals(2, result.status, result.stderr);
            assertTrue(result.stderr.startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort()), result.stderr);
        }
    }

    @Test
    void jar_wideAddressWithoutToken_exits2BeforeBinding() throws Exception {
        var result = run(List.of("serve", "--http", "--host", "0.0.0.0", "--port", "0"));
        assertEquals(2, result.status, result.stderr);
        assertTrue(result.stderr.contains("refusing to listen on 0.0.0.0") && result.stderr.contains("--auth"), result.stderr);
        assertEquals(1, run(List.of("serve", "--port", "1")).status, "--port without --http is a usage error");
        assertEquals(1, run(List.of("serve", "--http", "--port", "70000")).status);
    }

    @Test
    void conformanceSuite_overHttp_passesEveryApplicableScenario() throws Exception {
        assertConformance(List.of());
    }

    @Test
    void conformanceSuite_2026_07_28_overHttp_passesEveryScenarioWithoutFixtures() throws Exception {
        assertConformance(List.of("--conformance-version", "0.2.0-alpha.12", "--spec-version", "2026-07-28", "--exclude", FIXTURE_ONLY));
    }

    private void assertConformance(List<String> options) throws Exception {
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();   // free now; the server binds it a moment later
        }
        Path script = Path.of(System.getProperty("hearth.shared", "../shared")).resolve("checks/conformance.sh");
        var command = new ArrayList<>(List.of("bash", script.toString(), "--url", "http://127.0.0.1:" + port + "/mcp",
                "--start", java() + " -jar build/hearth.jar serve --http --port " + port, "--out", home.resolve("results").toString()));
        command.addAll(options);
        var builder = new ProcessBuilder(command);
        isolate(builder);
        Conformance.assertPasses(builder);
    }

    private record Result(int status, String stderr) {}

    private Result run(List<String> args) throws Exception {
        var process = start(args);
        process.getOutputStream().close();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), stderr);
    }

    private Process start(List<String> args) throws Exception {
        var command = new ArrayList<>(List.of(java(), "-jar", "build/hearth.jar"));
        command.addAll(args);
        var builder = new ProcessBuilder(command);
        isolate(builder);
        return builder.start();
    }

    /** A temp HEARTH_HOME, and no other HEARTH_* setting from the developer's shell. */
    private void isolate(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
        builder.environment().put("HEARTH_HOME", home.toString());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
