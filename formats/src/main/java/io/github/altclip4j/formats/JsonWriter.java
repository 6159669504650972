package io.github.altclip4j.formats;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON (RFC 8259), the one way every command, the server and the index write it: objects and arrays opened
 * and closed explicitly, commas placed by the writer, strings escaped by {@link Json#quote}. Floats are written with
 * the fewest digits that read back as the same float ({@link Float#toString}); NaN and infinities, which JSON has
 * no words for, become {@code null}.
 *
 * <pre>{@code
 * String s = new JsonWriter().beginObject().name("label").value("猫").name("p").value(0.25f).endObject().toString();
 * }</pre>
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** Per open container: whether something was written in it yet. */
    private final Deque<boolean[]> open = new ArrayDeque<>();

    private boolean afterName;

    public JsonWriter beginObject() {
        separate();
        out.append('{');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endObject() {
        open.pop();
        out.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        separate();
        out.append('[');
        open.push(new boolean[1]);
        return this;
    }

    public JsonWriter endArray() {
        open.pop();
        out.append(']');
        return this;
    }

    /** The key of the next value in the current object. */
    public JsonWriter name(String key) {
        separate();
        out.append(Json.quote(key)).append(": ");
        afterName = true;
        return this;
    }

    public JsonWriter value(String v) {
        separate();
        out.append(v == null ? "null" : Json.quote(v));
        return this;
    }

    public JsonWriter value(long v) {
        separate();
        out.append(v);
        return this;
    }

    public JsonWriter value(boolean v) {
        separate();
        out.append(v);
        return this;
    }

    public JsonWriter value(float v) {
        separate();
        out.append(Float.isFinite(v) ? Float.toString(v) : "null");
        return this;
    }

    public JsonWriter value(double v) {
        separate();
        out.append(Double.isFinite(v) ? Double.toString(v) : "null");
        return this;
    }

    /** An array of floats, e.g. an embedding. */
    public JsonWriter value(float[] v) {
        beginArray();
        for (float x : v) value(x);
        return endArray();
    }

    /** An array of ints, e.g. token ids. */
    public JsonWriter value(int[] v) {
        beginArray();
        for (int x : v) value(x);
        return endArray();
    }

    /**
     * Any value, recursively: strings, numbers, booleans, null, arrays of floats, doubles, ints and longs, lists, string-keyed
     * maps (e.g. a parsed {@link Json} value), records (an object of their components in declaration order, named in
     * {@link #snakeCase} or by {@link JsonRecords.Name}, null ones left out), enums ({@link Spelling}) and paths (as strings).
     */
    public JsonWriter any(Object v) {
        if (v == null || v == Json.NULL) {
            separate();
            out.append("null");
        } else if (v instanceof String) {
            value((String) v);
        } else if (v instanceof Record) {
            record((Record) v);
        } else if (v instanceof Enum) {
            value(Spelling.of((Enum<?>) v));
        } else if (v instanceof Path) {
            value(v.toString());
        } else if (v instanceof double[]) {
            beginArray();
            for (double x : (double[]) v) value(x);
            endArray();
        } else if (v instanceof int[]) {
            value((int[]) v);
        } else if (v instanceof long[]) {
            beginArray();
            for (long x : (long[]) v) value(x);
            endArray();
        } else if (v instanceof Integer || v instanceof Long) {
            value(((Number) v).longValue());
        } else if (v instanceof Float) {
            value((float) (Float) v);
        } else if (v instanceof Number) {
            value(((Number) v).doubleValue());
        } else if (v instanceof Boolean) {
            value((boolean) (Boolean) v);
        } else if (v instanceof float[]) {
            value((float[]) v);
        } else if (v instanceof List) {
            beginArray();
            for (Object x : (List<?>) v) any(x);
            endArray();
        } else if (v instanceof Map) {
            beginObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet())
                name(String.valueOf(e.getKey())).any(e.getValue());
            endObject();
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as JSON");
        }
        return this;
    }

    private void record(Record r) {
        beginObject();
        fields(r);
        endObject();
    }

    /**
     * The components of {@code r} as fields of the object being written (after fields of the writer's own); a null
     * component is left out, as {@link JsonRecords} reads an absent field as null.
     */
    public JsonWriter fields(Record r) {
        RecordShape shape = RecordShape.of(r.getClass());
        for (int i = 0; i < shape.accessors.length; i++) {
            Object value;
            try {
                value = shape.accessors[i].invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "cannot read " + shape.names[i] + " of " + r.getClass().getName(), e);
            }
            if (value != null) name(shape.names[i]).any(value); // null: the field is left out
        }
        return this;
    }

    /** A Java name as JSON fields are named: {@code decodeWaitSeconds} is {@code decode_wait_seconds}. */
    public static String snakeCase(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) b.append('_');
                b.append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        boolean[] first = open.peek();
        if (first == null) return;
        if (first[0]) out.append(", ");
        first[0] = true;
    }

    /** The JSON written so far. */
    @Override
    public String toString() {
        return out.toString();
    }
}
