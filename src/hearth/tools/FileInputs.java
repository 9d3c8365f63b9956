package hearth.tools;

import hearth.config.Config;
import hearth.mcp.ToolException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

// chat's `files`: text files hearth reads itself so the client's model can hand a big file to the
// local model without reading it. Only files under the client's roots (roots/list), or the working
// directory when it has none; symlinks are resolved first; each file and the total are size-capped;
// binary or non-UTF-8 files are refused.
final class FileInputs {
    private FileInputs() {}

    /** Root URIs (file:...) as real paths; with none, the working directory. */
    static List<Path> roots(List<String> uris) throws IOException {
        var out = new ArrayList<Path>();
        for (String uri : uris) {
            if (uri.startsWith("file:")) {
                try {
                    out.add(Path.of(URI.create(uri)).toRealPath());
                } catch (IllegalArgumentException | NoSuchFileException e) {
                    // a root that does not exist here (remote client) grants nothing
                }
            }
        }
        if (uris.isEmpty()) out.add(Path.of("").toAbsolutePath().toRealPath());
        return out;
    }

    /** Each file as a <file path="...">…</file> block, in the order given. */
    static String read(List<String> files, List<Path> roots) throws IOException {
        if (roots.isEmpty()) throw new ToolException("argument 'files': the client's roots grant no local folder, so hearth may read no file");
        var out = new StringBuilder();
        long total = 0;
        for (String name : files) {
            Path path = Path.of(name);
            if (!path.isAbsolute()) path = roots.get(0).resolve(path);
            Path real;
            try {
                real = path.toRealPath();
            } catch (NoSuchFileException e) {
                throw new ToolException("argument 'files': no file " + path + " (relative paths start at " + roots.get(0) + ")");
            }
            if (roots.stream().noneMatch(real::startsWith)) {
                throw new ToolException("argument 'files': " + name + " is outside the client's roots (" + String.join(", ", roots.stream().map(Path::toString).toList())
                        + "); hearth reads only files under them");
            }
            if (!Files.isRegularFile(real)) throw new ToolException("argument 'files': " + name + " is not a regular file");
            long size = Files.size(real);
            if (size > Config.MAX_FILE_BYTES) throw new ToolException("argument 'files': " + name + " is " + size + " bytes; the limit is " + Config.MAX_FILE_BYTES + " bytes a file");
            total += size;
            if (total > Config.MAX_FILES_TOTAL_BYTES) throw new ToolException("argument 'files': together the files pass " + Config.MAX_FILES_TOTAL_BYTES + " bytes; send fewer");
            out.append("<file path=\"").append(name).append("\">\n").append(text(real, name)).append("\n</file>\n");
        }
        return out.toString();
    }

    private static String text(Path file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) if (b == 0) throw new ToolException("argument 'files': " + name + " looks binary (it holds NUL bytes); only text files can be sent");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ToolException("argument 'files': " + name + " is not UTF-8 text");
        }
    }
}
