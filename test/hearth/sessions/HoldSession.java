package hearth.sessions;

import java.nio.file.Path;

// Test helper run as a second process by SessionStoreTest: opens a session, prints "held", waits
// for a line on stdin, appends one turn and exits, so the test can see that its own open waited.
public final class HoldSession {
    public static void main(String[] args) throws Exception {
        try (var session = new SessionStore(Path.of(args[0])).open(args[1])) {
            System.out.println("held");
            System.out.flush();
            System.in.read();
            session.append("m", null, "from the other process", "ok");
        }
    }
}
