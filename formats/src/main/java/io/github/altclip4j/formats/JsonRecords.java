package io.github.altclip4j.formats;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records in from parsed JSON: the reading half of the one JSON binding ({@link JsonWriter#any} is the writing half).
 * A record's components are its fields, named in {@link JsonWriter#snakeCase}; each is checked against its Java type
 * (and {@link Range}) before the record is made, and the first wrong one is a {@link FieldException} that names it by
 * its path in the document ({@code segments[2].deleted[0]}), for the caller to wrap in its own error (an index file's,
 * a request's). Nothing is allocated from a size the document claims; lists are as long as what was parsed.
 *
 * <p>Types: {@code String}, {@code int}, {@code long}, {@code double}, {@code float}, {@code boolean}, their boxes
 * (null when absent), enums (by {@link Spelling}), {@code int[]}, {@code float[]}, {@code List} of any of these, and
 * nested records. A primitive or a record is required unless {@link Optional}; a box, list or array absent is null.
 */
public final class JsonRecords {
    private JsonRecords() {}

    /** A whole number component's bounds (inclusive); elements of an {@code int[]} are held to them too. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Range {
        long min();

        long max();
    }

    /** A field named other than its component in snake case (a name the snake-case rule cannot spell). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Name {
        String value();
    }

    /**
     * A list component that also takes one value for a list of one (OpenAI's and TEI's {@code "input": "text"} or
     * {@code ["text", ...]}).
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface OneOrMany {}

    /** A component that may be absent or null: it reads as 0, false or null. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Optional {}

    /** A field missing or of the wrong type or range; {@link #field} is its path in the document. */
    public static final class FieldException extends Exception {
        private static final long serialVersionUID = 1L;
        public final String field;

        FieldException(String field, String problem) {
            this(List.of(field), problem);
        }

        /** Several fields with the same problem (every missing one is named at once). */
        FieldException(List<String> fields, String problem) {
            super(fields.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(", ")) + " "
                    + (fields.size() > 1 ? problem.replaceFirst("^is ", "are ") : problem));
            this.field = fields.get(0);
        }
    }

    /** The record of {@code type} that {@code json} (a parsed {@link Json} object) describes. */
    public static <R extends Record> R read(Class<R> type, Object json) throws FieldException {
        return record(type, json, "");
    }

    private static <R extends Record> R record(Class<R> type, Object json, String path) throws FieldException {
        if (!(json instanceof Map))
            throw new FieldException(path.isEmpty() ? "(the document)" : path, "must be an object");
        Map<?, ?> m = (Map<?, ?>) json;
        RecordShape shape = RecordShape.of(type);
        RecordComponent[] components = shape.components;
        Object[] args = new Object[components.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String name = shape.names[i], at = path.isEmpty() ? name : path + "." + name;
            Object v = m.get(name);
            if (v == Json.NULL) v = null;
            if (v == null && required(c)) missing.add(at);
            else if (v != null && c.isAnnotationPresent(OneOrMany.class) && !(v instanceof List))
                args[i] = List.of(value(elementType(c.getGenericType()), null, c.getAnnotation(Range.class), v, at));
            else
                args[i] = v == null
                        ? absent(c)
                        : value(c.getType(), c.getGenericType(), c.getAnnotation(Range.class), v, at);
        }
        if (!missing.isEmpty()) throw new FieldException(missing, "is missing");
        try {
            return type.cast(shape.constructor.newInstance(args));
        } catch (InvocationTargetException e) {
            // the record's own check refused the values (a compact constructor)
            throw new FieldException(
                    path.isEmpty() ? "(the document)" : path,
                    String.valueOf(e.getCause().getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName(), e);
        }
    }

    private static boolean required(RecordComponent c) {
        Class<?> t = c.getType();
        return !c.isAnnotationPresent(Optional.class)
                && (t.isPrimitive() || t.isRecord() || t == String.class || t.isEnum());
    }

    private static Object absent(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == boolean.class) return false;
        if (t == int.class) return 0;
        if (t == long.class) return 0L;
        if (t == double.class) return 0.0;
        if (t == float.class) return 0f;
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(Class<?> t, Type generic, Range range, Object v, String at) throws FieldException {
        if (t == String.class) {
            if (!(v instanceof String)) throw new FieldException(at, "must be a string");
            return v;
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!(v instanceof Boolean)) throw new FieldException(at, "must be true or false");
            return v;
        }
        if (t == int.class || t == Integer.class)
            return (int) whole(v, range, Integer.MIN_VALUE, Integer.MAX_VALUE, at);
        if (t == long.class || t == Long.class) return whole(v, range, Long.MIN_VALUE, Long.MAX_VALUE, at);
        if (t == double.class || t == Double.class) return number(v, at);
        if (t == float.class || t == Float.class) return (float) number(v, at);
        if (t.isEnum()) {
            if (!(v instanceof String)) throw new FieldException(at, "must be a string");
            try {
                return Spelling.parse((Class) t, (String) v, "it");
            } catch (IllegalArgumentException e) {
                throw new FieldException(at, "must be " + Spelling.choices((Class) t) + ", got '" + v + "'");
            }
        }
        if (t.isRecord()) return record((Class<? extends Record>) t, v, at);
        if (t == Object.class) return v; // any JSON value, for a field of several shapes that its reader sorts out
        if (!(v instanceof List)) throw new FieldException(at, "must be a list");
        List<?> list = (List<?>) v;
        if (t == int[].class) {
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++)
                out[i] = (int) whole(list.get(i), range, Integer.MIN_VALUE, Integer.MAX_VALUE, at + "[" + i + "]");
            return out;
        }
        if (t == float[].class) {
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) out[i] = (float) number(list.get(i), at + "[" + i + "]");
            return out;
        }
        if (t == List.class && generic instanceof ParameterizedType) {
            Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
            Class<?> raw = elementType(generic);
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object x = list.get(i);
                if (x == null || x == Json.NULL) throw new FieldException(at + "[" + i + "]", "must not be null");
                out.add(value(raw, element, range, x, at + "[" + i + "]"));
            }
            return List.copyOf(out);
        }
        throw new IllegalStateException("JsonRecords cannot read a " + generic.getTypeName() + " (" + at + ")");
    }

    /** The class of a {@code List<E>}'s elements. */
    private static Class<?> elementType(Type listType) {
        Type element = ((ParameterizedType) listType).getActualTypeArguments()[0];
        return element instanceof ParameterizedType
                ? (Class<?>) ((ParameterizedType) element).getRawType()
                : (Class<?>) element;
    }

    private static long whole(Object v, Range range, long min, long max, String at) throws FieldException {
        if (range != null) {
            min = Math.max(min, range.min());
            max = Math.min(max, range.max());
        }
        if (!(v instanceof Long) || (Long) v < min || (Long) v > max)
            throw new FieldException(at, "must be a whole number from " + min + " to " + max + ", got " + v);
        return (Long) v;
    }

    private static double number(Object v, String at) throws FieldException {
        if (!(v instanceof Number)) throw new FieldException(at, "must be a number");
        return ((Number) v).doubleValue();
    }
}
