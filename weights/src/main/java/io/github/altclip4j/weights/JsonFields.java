package io.github.altclip4j.weights;

import io.github.altclip4j.formats.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Typed, defaulted access to one JSON object of a config file; every error names the file and the field
 * (with its path inside the file, e.g. {@code text_config.hidden_size}).
 */
public final class JsonFields {
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    private final Path file;
    private final String prefix;
    private final Map<String, Object> map;

    private JsonFields(Path file, String prefix, Map<String, Object> map) {
        this.file = file;
        this.prefix = prefix;
        this.map = map;
    }

    /** Reads a JSON config file whose top level is an object. */
    public static JsonFields read(Path file) throws IOException {
        return parse(file, readBytes(file));
    }

    /** The bytes of a config file, refused before reading when it is larger than any config. */
    public static byte[] readBytes(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new WeightFormatException(file, "file not found");
        }
        if (size > MAX_CONFIG_BYTES)
            throw new WeightFormatException(file, "config file of " + size + " bytes is too large");
        return Files.readAllBytes(file);
    }

    /** Parses the bytes of {@code file} (read by {@link #readBytes}), whose top level must be an object. */
    public static JsonFields parse(Path file, byte[] bytes) throws WeightFormatException {
        Object v;
        try {
            v = Json.parse(bytes);
        } catch (Json.JsonException e) {
            throw new WeightFormatException(file, "bad JSON: " + e.getMessage());
        }
        if (!(v instanceof Map)) throw new WeightFormatException(file, "top level is not a JSON object");
        return new JsonFields(file, "", cast(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object v) {
        return (Map<String, Object>) v;
    }

    public Path file() {
        return file;
    }

    public boolean has(String key) {
        Object v = map.get(key);
        return v != null && v != Json.NULL;
    }

    /** The raw value (null if absent or JSON null). */
    public Object raw(String key) {
        Object v = map.get(key);
        return v == Json.NULL ? null : v;
    }

    /** A nested object; an absent or null one reads as empty (all defaults). */
    public JsonFields object(String key) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return new JsonFields(file, prefix + key + ".", Map.of());
        if (!(v instanceof Map)) throw bad(key, "an object");
        return new JsonFields(file, prefix + key + ".", cast(v));
    }

    public int getInt(String key, int defaultValue) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return defaultValue;
        if (!(v instanceof Long) || (Long) v > Integer.MAX_VALUE || (Long) v < Integer.MIN_VALUE)
            throw bad(key, "an integer");
        return (int) (long) (Long) v;
    }

    /** An integer in {@code [min, max]}: configs size arrays and loops, so a hostile one is stopped here. */
    public int getInt(String key, int defaultValue, int min, int max) throws WeightFormatException {
        int v = getInt(key, defaultValue);
        if (v < min || v > max) throw bad(key, "an integer from " + min + " to " + max + " (got " + v + ")");
        return v;
    }

    public double getDouble(String key, double defaultValue) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return defaultValue;
        if (!(v instanceof Number)) throw bad(key, "a number");
        return ((Number) v).doubleValue();
    }

    public boolean getBoolean(String key, boolean defaultValue) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return defaultValue;
        if (!(v instanceof Boolean)) throw bad(key, "true or false");
        return (Boolean) v;
    }

    public String getString(String key, String defaultValue) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return defaultValue;
        if (!(v instanceof String)) throw bad(key, "a string");
        return (String) v;
    }

    public float[] getFloats(String key, float[] defaultValue) throws WeightFormatException {
        Object v = raw(key);
        if (v == null) return defaultValue.clone();
        if (!(v instanceof List)) throw bad(key, "an array of numbers");
        List<?> list = (List<?>) v;
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number)) throw bad(key, "an array of numbers");
            out[i] = ((Number) list.get(i)).floatValue();
        }
        return out;
    }

    public WeightFormatException bad(String key, String expected) {
        return new WeightFormatException(file, "field \"" + prefix + key + "\" must be " + expected);
    }
}
