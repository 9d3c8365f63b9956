package hearth.backend;

// Where a download stands: the model, the backend's job id (LM Studio; null for an Ollama pull),
// the state ("downloading", "paused", "completed", "already downloaded", "stopped"), bytes done
// and in all (null when not known yet) and the backend's own words for the step it is on.
public record Download(String model, String jobId, String state, Long totalBytes, Long doneBytes, String detail) {
    public boolean finished() {
        return state.equals("completed") || state.equals("already downloaded");
    }

    /** "1.2 / 4.7 GB (26%)", or what is known of it. */
    public String amount() {
        if (doneBytes == null && totalBytes == null) return "size not known yet";
        String done = doneBytes == null ? "?" : String.format("%.2f", doneBytes / 1e9);
        if (totalBytes == null || totalBytes == 0) return done + " GB";
        long percent = doneBytes == null ? 0 : Math.min(100, doneBytes * 100 / totalBytes);
        return done + " / " + String.format("%.2f", totalBytes / 1e9) + " GB (" + percent + "%)";
    }
}
