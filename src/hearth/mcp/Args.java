package hearth.mcp;

import java.util.List;
import java.util.Map;

// Typed, validated reads of a tool's arguments. Every bad value is a ToolException that names the
// argument, what was expected and what came (MCP 2025-11-25: input errors are tool errors, not
// protocol errors). Values are never clamped silently.
public final class Args {
    private final Map<String, Object> values;

    public Args(Map<String, Object> values, Map<String, Object> inputSchema) {
        this.values = values;
        if (inputSchema.get("properties") instanceof Map<?, ?> properties) {
            for (String name : values.keySet()) {
                if (properties.containsKey(name)) continue;
                throw new ToolException("unknown argument '" + name + "'; " + (properties.isEmpty() ? "this tool takes no arguments"
                        : "expected one of: " + String.join(", ", properties.keySet().stream().map(String::valueOf).toList())));
            }
        }
        if (inputSchema.get("required") instanceof List<?> required) {
            for (Object name : required) {
                if (values.get(name) == null) throw new ToolException("argument '" + name + "' is required");
            }
        }
    }

    public Args(Map<String, Object> values) {
        this(values, Map.of());
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    public Object raw(String name) {
        return values.get(name);
    }

    public String string(String name) {
        String s = string(name, null);
        if (s == null) throw new ToolException("argument '" + name + "' is required: a string");
        return s;
    }

    public String string(String name, String fallback) {
        Object v = values.get(name);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw wrongType(name, "a string", v);
    }

    public String oneOf(String name, String fallback, List<String> choices) {
        String s = string(name, fallback);
        if (s != null && !choices.contains(s)) throw new ToolException("argument '" + name + "' must be one of " + String.join(", ", choices) + ", got '" + s + "'");
        return s;
    }

    public boolean bool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        if ("true".equals(v)) return true;   // `hearth call x force=true` passes strings
        if ("false".equals(v)) return false;
        throw wrongType(name, "true or false", v);
    }

    public Double number(String name, double min, double max, Double fallback) {
        Object v = values.get(name);
        if (v == null) return fallback;
        double d;
        if (v instanceof Number n) d = n.doubleValue();
        else if (v instanceof String s && isNumeric(s)) d = Double.parseDouble(s);
        else throw wrongType(name, "a number in [" + min + ", " + max + "]", v);
        if (Double.isNaN(d) || d < min || d > max) throw new ToolException("argument '" + name + "' must be a number in [" + min + ", " + max + "], got " + v);
        return d;
    }

    public Long integer(String name, long min, long max, Long fallback) {
        Object v = values.get(name);
        if (v == null) return fallback;
        long n;
        if (v instanceof Long l) n = l;
        else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) n = d.longValue();
        else if (v instanceof String s && s.matches("-?\\d{1,18}")) n = Long.parseLong(s);
        else throw wrongType(name, "an integer in [" + min + ", " + max + "]", v);
        if (n < min || n > max) throw new ToolException("argument '" + name + "' must be an integer in [" + min + ", " + max + "], got " + v);
        return n;
    }

    /** A list of strings; a lone string counts as a list of one. */
    public List<String> strings(String name) {
        Object v = values.get(name);
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) return list.stream().map(String.class::cast).toList();
        throw wrongType(name, "a string or a list of strings", v);
    }

    private static boolean isNumeric(String s) {
        return s.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    }

    private static ToolException wrongType(String name, String expected, Object got) {
        String shown = got instanceof String s ? "'" + s + "'" : hearth.json.Json.write(got);
        if (shown.length() > 80) shown = shown.substring(0, 77) + "...";
        return new ToolException("argument '" + name + "' must be " + expected + ", got " + shown);
    }
}
