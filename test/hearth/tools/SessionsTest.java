package hearth.tools;

import static hearth.tools.ChatToolsTest.result;
import static hearth.tools.ChatToolsTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hearth.config.Config;
import hearth.json.Json;
import hearth.sessions.Turn;
import hearth.testing.FakeBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// chat with session_id through the MCP server against a loopback backend that echoes the last user
// message: history sent and kept across servers, the file's shape and permissions, bad ids, a torn
// last line, system and reset rules, the limits, serialised turns, and hearth://sessions/{id}.
class SessionsTest {
    @TempDir Path home;
    FakeBackend fake;
    long nextId = 100;
    final CountDownLatch held = new CountDownLatch(1);     // a request with message "hold" has reached the backend
    final CountDownLatch release = new CountDownLatch(1);  // and answers once this opens

    @BeforeEach
    void start() throws Exception {
        fake = new FakeBackend();
        fake.json("GET /v1/models", 200, "{\"object\":\"list\",\"data\":[{\"id\":\"tiny\",\"object\":\"model\"}]}")
            .json("GET /props", 200, "{\"build_info\":\"b1\"}")
            .on("POST /v1/chat/completions", ex -> {
                var messages = (List<?>) Json.parseObject((String) ex.getAttribute(FakeBackend.BODY)).get("messages");
                String last = String.valueOf(((Map<?, ?>) messages.get(messages.size() - 1)).get("content"));
                if (last.equals("hold")) {
                    held.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }
                FakeBackend.send(ex, 200, "application/json", Json.write(Json.obj("model", "tiny", "choices", List.of(Json.obj("index", 0L,
                        "message", Json.obj("role", "assistant", "content", "echo: " + last), "finish_reason", "stop")))));
            });
    }

    @AfterEach
    void stop() {
        release.countDown();
        fake.close();
    }

    McpClient client() throws Exception {
        return new McpClient(Registry.server(Config.load(Map.of("base_url", fake.url(), "timeout", "10"), Map.of(), home)));
    }

    Map<String, Object> chat(McpClient c, Object... args) {
        c.call(nextId++, "chat", Json.obj(args), null);   // a fresh id: the server frees an id just after answering
        return result(c.next());
    }

    Path file(String id) {
        return home.resolve(".hearth/sessions").resolve(id + ".jsonl");   // Config.load's third argument is the user's home
    }

    /** The messages of the n-th chat request the backend saw (0-based), as "role: content" strings. */
    List<String> sent(int n) {
        var chats = fake.requests.stream().filter(r -> r.path().equals("/v1/chat/completions")).toList();
        var out = new ArrayList<String>();
        for (Object m : (List<?>) chats.get(n).json().get("messages")) out.add(((Map<?, ?>) m).get("role") + ": " + ((Map<?, ?>) m).get("content"));
        return out;
    }

    @Test
    void chat_session_sendsHistory_keepsItAcrossServers() throws Exception {
        var c = client();
        var r1 = chat(c, "session_id", "plan", "system", "Be brief", "message", "one");
        assertEquals(1L, ((Map<?, ?>) r1.get("structuredContent")).get("session_turns"));
        chat(c, "session_id", "plan", "message", "two");
        var r3 = chat(client(), "session_id", "plan", "message", "three");   // a new server, as after a restart
        assertEquals(List.of("system: Be brief", "user: one", "assistant: echo: one", "user: two", "assistant: echo: two", "user: three"), sent(2));
        var s = (Map<?, ?>) r3.get("structuredContent");
        assertEquals("plan", s.get("session_id"));
        assertEquals(3L, s.get("session_turns"));
        assertEquals("echo: three", s.get("text"));
        assertTrue(text(r3).contains("Session plan · turn 3"), text(r3));
        var lines = Files.readAllLines(file("plan"));
        assertEquals(3, lines.size());
        var first = Json.parseObject(lines.get(0));
        assertEquals(List.of("turn", "time", "model", "system", "user", "assistant"), List.copyOf(first.keySet()));
        assertEquals("Be brief", first.get("system"));
        assertFalse(Json.parseObject(lines.get(1)).containsKey("system"));
    }

    @Test
    void chat_session_fileIs0600_folderIs0700() throws Exception {
        chat(client(), "session_id", "p", "message", "hi");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file("p"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file("p").getParent())));
    }

    @Test
    void chat_badSessionId_isErrorNamingTheRule() throws Exception {
        var c = client();
        for (String id : List.of("../escape", ".hidden", "a/b", "a\\b", "", "x".repeat(65), "sp ace", "..", "con", "NUL", "Com1",
                "lpt9.notes", "aux.")) {
            var r = chat(c, "session_id", id, "message", "hi");
            assertEquals(true, r.get("isError"), id);
            assertTrue(text(r).startsWith("argument 'session_id' must be 1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with '.'"
                    + " and not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), got "), text(r));
        }
        assertFalse(Files.exists(home.resolve(".hearth/escape.jsonl")));
        assertTrue(fake.requests.stream().noneMatch(r -> r.path().equals("/v1/chat/completions")));
    }

    @Test
    void chat_session_tornLastLine_skippedWithWarning_thenCutOff() throws Exception {
        Files.createDirectories(file("t").getParent());
        String good = new Turn(1, "2025-01-01T00:00:00Z", "tiny", null, "one", "echo: one").toLine();
        Files.writeString(file("t"), good + "\n{\"turn\":2,\"user\":\"tw");
        var err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            chat(client(), "session_id", "t", "message", "two");
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("session t: skipped the last line"), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("user: one", "assistant: echo: one", "user: two"), sent(0));
        var lines = Files.readAllLines(file("t"));
        assertEquals(2, lines.size());
        assertEquals(good, lines.get(0));
        assertEquals(2L, Json.parseObject(lines.get(1)).get("turn"));
        assertTrue(Files.readString(file("t")).endsWith("\n"));
    }

    @Test
    void chat_session_systemKeptFromFirstTurn_laterOneIgnoredWithNote() throws Exception {
        var c = client();
        chat(c, "session_id", "s", "system", "Be brief", "message", "one");
        var r = chat(c, "session_id", "s", "system", "Be verbose", "message", "two");
        assertEquals("system: Be brief", sent(1).get(0));
        assertTrue(text(r).contains("Note: session s keeps the system prompt of its first turn; the 'system' given now was ignored"), text(r));
        assertTrue(((Map<?, ?>) r.get("structuredContent")).containsKey("note"));
        var same = chat(c, "session_id", "s", "system", "Be brief", "message", "three");
        assertFalse(text(same).contains("Note:"), text(same));
    }

    @Test
    void chat_session_reset_clearsThenStartsFresh() throws Exception {
        var c = client();
        chat(c, "session_id", "r", "system", "old", "message", "one");
        var r = chat(c, "session_id", "r", "reset", true, "system", "new", "message", "two");
        assertEquals(List.of("system: new", "user: two"), sent(1));
        assertEquals(1L, ((Map<?, ?>) r.get("structuredContent")).get("session_turns"));
        var cleared = chat(c, "session_id", "r", "reset", true);
        assertEquals("Session r cleared (1 turn removed).", text(cleared));
        assertFalse(Files.exists(file("r")));
        assertEquals(2, fake.requests.stream().filter(q -> q.path().equals("/v1/chat/completions")).count());
        var noSession = chat(c, "reset", true, "message", "x");
        assertTrue(text(noSession).contains("argument 'reset' needs 'session_id'"), text(noSession));
    }

    @Test
    void chat_session_turnLimit_isClearError() throws Exception {
        Files.createDirectories(file("full").getParent());
        var lines = new StringBuilder();
        for (int i = 1; i <= Config.MAX_SESSION_TURNS; i++) lines.append(new Turn(i, null, null, null, "u", "a").toLine()).append('\n');
        Files.writeString(file("full"), lines);
        var r = chat(client(), "session_id", "full", "message", "more");
        assertEquals(true, r.get("isError"));
        assertEquals("session full has " + Config.MAX_SESSION_TURNS + " turns, the limit; send reset: true or use a new session_id", text(r));
    }

    @Test
    void chat_session_byteLimit_isClearError() throws Exception {
        Files.createDirectories(file("big").getParent());
        Files.writeString(file("big"), new Turn(1, null, null, null, "u", "a".repeat(Config.MAX_SESSION_BYTES)).toLine() + "\n");
        var r = chat(client(), "session_id", "big", "message", "more");
        assertEquals(true, r.get("isError"));
        assertTrue(text(r).contains("this message would take it past the limit of " + Config.MAX_SESSION_BYTES + "; send reset: true or use a new session_id"), text(r));
    }

    @Test
    void history_sendsNewestTurnsThatFit() {
        var turns = List.of(new Turn(1, null, null, null, "aaaa", "bbbb"), new Turn(2, null, null, null, "cc", "dd"), new Turn(3, null, null, null, "e", "f"));
        var out = new ArrayList<Map<String, Object>>();
        assertEquals(2, SessionChat.history(turns, 7, out));
        assertEquals(List.of("cc", "dd", "e", "f"), out.stream().map(m -> m.get("content")).toList());
        assertEquals(0, SessionChat.history(turns, 1, new ArrayList<>()));
    }

    @Test
    void chat_sameSession_waitsForTheTurnBefore_otherSessionsDoNot() throws Exception {
        var c = client();
        c.call(1, "chat", Json.obj("session_id", "a", "message", "hold"), null);
        assertTrue(held.await(5, TimeUnit.SECONDS));
        c.call(2, "chat", Json.obj("session_id", "b", "message", "meanwhile"), null);
        var other = c.next().json();   // session b answers while a's turn is still at the backend
        assertEquals(2L, other.get("id"));
        c.call(3, "chat", Json.obj("session_id", "a", "message", "after"), null);
        release.countDown();
        var ids = new ArrayList<Object>();
        ids.add(c.next().json().get("id"));
        ids.add(c.next().json().get("id"));
        assertTrue(ids.containsAll(List.of(1L, 3L)), ids.toString());
        var afterRequest = sent(2);
        assertEquals(List.of("user: hold", "assistant: echo: hold", "user: after"), afterRequest);
        assertEquals(2, Files.readAllLines(file("a")).size());
    }

    @Test
    void resources_listTemplateAndRead_unknownIsNotFound() throws Exception {
        var c = client();
        chat(c, "session_id", "alpha", "system", "S", "message", "one");
        c.send(hearth.mcp.Rpc.request(2L, "resources/templates/list", Json.obj()));
        var templates = (List<?>) result(c.next()).get("resourceTemplates");
        assertTrue(templates.stream().anyMatch(t -> "hearth://sessions/{id}".equals(((Map<?, ?>) t).get("uriTemplate"))), templates.toString());
        c.send(hearth.mcp.Rpc.request(3L, "resources/list", Json.obj()));
        var listed = (List<?>) result(c.next()).get("resources");
        assertTrue(listed.stream().anyMatch(r -> "hearth://sessions/alpha".equals(((Map<?, ?>) r).get("uri"))), listed.toString());
        c.send(hearth.mcp.Rpc.request(4L, "resources/read", Json.obj("uri", "hearth://sessions/alpha")));
        var content = (Map<?, ?>) ((List<?>) result(c.next()).get("contents")).get(0);
        assertEquals("application/json", content.get("mimeType"));
        var session = Json.parseObject((String) content.get("text"));
        assertEquals("S", session.get("system"));
        assertEquals(1L, session.get("turn_count"));
        assertEquals("echo: one", ((Map<?, ?>) ((List<?>) session.get("turns")).get(0)).get("assistant"));
        long id = 5;
        for (String uri : List.of("hearth://sessions/nope", "hearth://sessions/../state", "hearth://sessions/")) {
            c.send(hearth.mcp.Rpc.request(id++, "resources/read", Json.obj("uri", uri)));
            var error = (Map<?, ?>) c.next().json().get("error");
            assertEquals(-32002L, error.get("code"), uri);
        }
    }

    @Test
    void resources_manySessions_arePagedWithTheFixedResources() throws Exception {
        Files.createDirectories(file("x").getParent());
        for (int i = 0; i < Config.PAGE_SIZE + 5; i++) Files.writeString(file(String.format("s%03d", i)), new Turn(1, null, null, null, "u", "a").toLine() + "\n");
        var c = client();
        var uris = new ArrayList<Object>();
        Object cursor = null;
        long id = 1;
        do {
            c.send(hearth.mcp.Rpc.request(id++, "resources/list", cursor == null ? Json.obj() : Json.obj("cursor", cursor)));
            var page = result(c.next());
            for (Object r : (List<?>) page.get("resources")) uris.add(((Map<?, ?>) r).get("uri"));
            cursor = page.get("nextCursor");
        } while (cursor != null);
        assertEquals(2 + Config.PAGE_SIZE + 5, uris.size());   // hearth://config and hearth://models, then every session once
        assertEquals("hearth://sessions/s000", uris.get(2));
        assertEquals("hearth://sessions/s054", uris.get(uris.size() - 1));
    }
}
