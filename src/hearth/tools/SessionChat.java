package hearth.tools;

import hearth.backend.Backend;
import hearth.backend.ChatReply;
import hearth.config.Config;
import hearth.json.Json;
import hearth.mcp.Args;
import hearth.mcp.Call;
import hearth.mcp.Resource;
import hearth.mcp.ToolException;
import hearth.mcp.ToolResult;
import hearth.sessions.OpenSession;
import hearth.sessions.SessionStore;
import hearth.sessions.Turn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

// chat with a session_id: the stored turns (the newest that fit MAX_SESSION_HISTORY_CHARS) go to
// the model before the new message, and the turn is on disk before the answer goes back; a turn
// the client cancelled, even after the model answered, is not kept (Call.commit). Also the
// hearth://sessions/{id} resources. Files, locks and limits are SessionStore's.
final class SessionChat {
    static final String URI_PREFIX = "hearth://sessions/";

    private SessionChat() {}

    static ToolResult chat(String id, String message, Args args, Call call, Config config, Backend backend, SessionStore store) throws Exception {
        if (!SessionStore.isValidId(id)) throw new ToolException("argument 'session_id' must be " + SessionStore.ID_RULE + ", got " + Json.write(id));
        if (args.has("messages")) {
            throw new ToolException("argument 'messages' cannot be combined with 'session_id': the session holds the history; send the new turn as 'message'");
        }
        boolean reset = args.bool("reset", false);
        String system = args.string("system", null);
        boolean show = args.bool("show_reasoning", false);
        try (OpenSession session = store.open(id)) {   // serialises this session's turns until the answer is written
            int cleared = session.turns().size();
            if (reset) session.clear();
            if (message == null) {
                if (!reset) throw new ToolException("argument 'message' is required with 'session_id' (or send reset: true alone to clear the session)");
                String text = "Session " + id + " cleared (" + cleared + (cleared == 1 ? " turn" : " turns") + " removed).";
                return ToolResult.structured(text, Json.obj("text", text, "session_id", id, "session_turns", 0L));
            }
            String full = session.limitReached(message);
            if (full != null) throw new ToolException(full);
            String note = system != null && !session.turns().isEmpty() && !system.equals(session.system())
                    ? "session " + id + " keeps the system prompt of its first turn; the 'system' given now was ignored (send reset: true to start over with it)"
                    : null;
            String kept = session.turns().isEmpty() ? system : session.system();
            var messages = new ArrayList<Map<String, Object>>();
            if (kept != null) messages.add(Json.obj("role", "system", "content", kept));
            int sent = history(session.turns(), Config.MAX_SESSION_HISTORY_CHARS - message.length(), messages);
            messages.add(Json.obj("role", "user", "content", message));
            ChatReply reply = ChatTools.run(backend, ChatTools.request(args, config, messages), call.wantsProgress(), call);
            if (!call.commit()) throw new InterruptedException("cancelled after the model answered; the turn was not saved");
            Turn turn = session.append(reply.model(), system, message, reply.content());
            return answer(reply, backend.kind(), show, turn, sent, note, id);
        }
    }

    /**
     * Adds the newest turns whose text fits in `budgetChars` to `out`, oldest first, as user and
     * assistant messages; returns how many it added. Older turns stay on disk but are not sent.
     */
    static int history(List<Turn> turns, long budgetChars, List<Map<String, Object>> out) {
        int from = turns.size();
        while (from > 0) {
            Turn t = turns.get(from - 1);
            long chars = t.user().length() + t.assistant().length();
            if (chars > budgetChars) break;
            budgetChars -= chars;
            from--;
        }
        for (Turn t : turns.subList(from, turns.size())) {
            out.add(Json.obj("role", "user", "content", t.user()));
            out.add(Json.obj("role", "assistant", "content", t.assistant()));
        }
        return turns.size() - from;
    }

    private static ToolResult answer(ChatReply reply, String backendKind, boolean show, Turn turn, int sent, String note, String id) {
        var text = new StringBuilder(Report.text(reply, show)).append("\nSession ").append(id).append(" · turn ").append(turn.turn());
        long left = turn.turn() - 1 - sent;
        if (left > 0) text.append(" · ").append(left).append(" oldest turns not sent (history limit)");
        if (note != null) text.append("\nNote: ").append(note);
        var structured = Report.structured(reply, backendKind, show);
        structured.put("session_id", id);
        structured.put("session_turns", turn.turn());
        structured.put("history_turns_sent", (long) sent);
        if (note != null) structured.put("note", note);
        return ToolResult.structured(text.toString(), structured);
    }

    static List<Resource> resources(SessionStore store) {
        return List.of(Resource.template(URI_PREFIX + "{id}", "session", "chat session",
                "A chat session kept by chat's session_id: its system prompt and every turn, as JSON", "application/json",
                uri -> read(store, uri), () -> listed(store)));
    }

    private static Optional<String> read(SessionStore store, String uri) {
        if (!uri.startsWith(URI_PREFIX)) return Optional.empty();
        String id = uri.substring(URI_PREFIX.length());
        try {
            return store.read(id).map(turns -> Json.write(Json.obj("session_id", id, "system", turns.isEmpty() ? null : turns.get(0).system(),
                    "turn_count", (long) turns.size(), "turns", turns.stream().map(Turn::toJson).toList())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a damaged file: internal error naming it (SessionFile says how to fix it)
        }
    }

    private static List<Resource> listed(SessionStore store) {
        try {
            return store.ids().stream().map(id -> Resource.fixed(URI_PREFIX + id, "session " + id, null,
                    "chat session " + id + " (chat's session_id)", "application/json", () -> read(store, URI_PREFIX + id).orElse(""))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
