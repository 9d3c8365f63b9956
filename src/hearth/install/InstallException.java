package hearth.install;

// install, uninstall and doctor's one failure: a sentence saying what was wrong, where, and how to
// fix it. Main prints it as "error: <message>" and exits 2.
public final class InstallException extends RuntimeException {
    public InstallException(String message) {
        super(message);
    }
}
