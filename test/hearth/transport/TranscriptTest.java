package hearth.transport;

import static org.junit.jupiter.api.Assertions.*;

import hearth.config.Config;
import hearth.json.Json;
import hearth.tools.Registry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

// Golden transcripts: each test/transcripts/*.txt holds '>' lines fed to the stdio transport and,
// after each, the '<' lines expected back before the next '>' is sent. Lines compare as parsed JSON.
class TranscriptTest {
    @TempDir Path home;

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        Path dir = Path.of("test/transcripts");
        List<Path> files;
        try (var list = Files.list(dir)) { files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList(); }
        assertFalse(files.isEmpty(), "no transcripts in " + dir.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(f)));
    }

    private void replay(Path file) throws Exception {
        var config = Config.load(Map.of(), Map.of(), home);
        var toServer = new PipedOutputStream();
        var serverIn = new PipedInputStream(toServer, 1 << 20);
        var fromServer = new PipedInputStream(1 << 20);
        var serverOut = new PipedOutputStream(fromServer);
        var transport = new StdioTransport(serverIn, serverOut, Registry.server(config));
        var thread = new Thread(() -> {
            try {
                transport.run();
                serverOut.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        thread.start();
        var lines = new ArrayBlockingQueue<String>(1000);
        var reader = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (Exception e) {
                // the pipe closes when the transport ends
            }
        });
        reader.start();

        var steps = Files.readAllLines(file);
        for (int i = 0; i < steps.size(); i++) {
            String step = steps.get(i);
            if (!step.startsWith("> ")) continue;
            toServer.write((step.substring(2) + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
            var expected = new ArrayList<String>();
            for (int j = i + 1; j < steps.size() && !steps.get(j).startsWith("> "); j++) {
                if (steps.get(j).startsWith("< ")) expected.add(steps.get(j).substring(2));
            }
            for (String want : expected) {
                String got = lines.poll(5, TimeUnit.SECONDS);
                assertNotNull(got, file.getFileName() + " line " + (i + 1) + ": no answer to " + step);
                assertEquals(Json.parse(want), Json.parse(got), file.getFileName() + ": answer to " + step);
            }
        }
        toServer.close();
        thread.join(5000);
        assertFalse(thread.isAlive(), "the transport did not end at EOF");
        reader.join(5000);
        assertEquals(List.of(), new ArrayList<>(lines), file.getFileName() + ": unexpected extra output");
    }
}
