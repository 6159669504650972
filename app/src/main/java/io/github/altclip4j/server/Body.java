package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reading a JSON request body: each wrong field or item is an {@link HttpError} that names it. */
final class Body {
    private final Map<?, ?> fields;

    private Body(Map<?, ?> fields) {
        this.fields = fields;
    }

    /** The request's body (bounded by the server's limit) as a JSON object; anything else is a 400. */
    static Body read(AltClipServer server, HttpExchange ex) throws IOException, HttpError {
        return parse(server.body(ex));
    }

    /** Each base64 image of {@code values}, named {@code field[i]} in errors. */
    static List<byte[]> images(List<String> values, String field) throws HttpError {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) out.add(image(values.get(i), field + "[" + i + "]"));
        return out;
    }

    /** The body as a JSON object; anything else is a 400. */
    static Body parse(byte[] bytes) throws HttpError {
        Object o;
        try {
            o = Json.parse(bytes);
        } catch (Json.JsonException e) {
            throw HttpError.invalid("the body is not valid JSON: " + e.getMessage());
        }
        if (!(o instanceof Map)) throw HttpError.invalid("the body must be a JSON object");
        return new Body((Map<?, ?>) o);
    }

    boolean has(String field) {
        return fields.containsKey(field) && fields.get(field) != Json.NULL;
    }

    /** A string or a list of strings (the OpenAI/TEI {@code input}), as a list; at most {@code max} items. */
    List<String> strings(String field, int max, boolean required) throws HttpError {
        Object v = fields.get(field);
        if (v == null || v == Json.NULL) {
            if (required) throw HttpError.unprocessable("\"" + field + "\" is required");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String) {
            out.add((String) v);
        } else if (v instanceof List) {
            List<?> list = (List<?>) v;
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String))
                    throw HttpError.unprocessable("\"" + field + "\"[" + i + "] must be a string");
                out.add((String) list.get(i));
            }
        } else {
            throw HttpError.unprocessable("\"" + field + "\" must be a string or a list of strings");
        }
        if (out.size() > max)
            throw new HttpError(
                    413, "payload_too_large", "\"" + field + "\" has " + out.size() + " items; the limit is " + max);
        return out;
    }

    /** Whether the field holds a list (e.g. {@code /search}'s combined "query"). */
    boolean isList(String field) {
        return fields.get(field) instanceof List;
    }

    /** A list of objects read as records of {@code type} (at most {@code max}); a wrong one is a 422 naming it. */
    <R extends Record> List<R> records(String field, Class<R> type, int max) throws HttpError {
        List<?> list = (List<?>) fields.get(field);
        if (list.isEmpty()) throw HttpError.unprocessable("\"" + field + "\" must not be empty");
        if (list.size() > max)
            throw new HttpError(
                    413, "payload_too_large", "\"" + field + "\" has " + list.size() + " items; the limit is " + max);
        List<R> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(JsonRecords.read(type, list.get(i)));
            } catch (JsonRecords.FieldException e) {
                String at = field + "[" + i + "]";
                throw HttpError.unprocessable(
                        e.field.equals("(the document)")
                                ? "\"" + at + "\" must be an object"
                                : at + "." + e.getMessage());
            }
        }
        return out;
    }

    String string(String field, String otherwise) throws HttpError {
        Object v = fields.get(field);
        if (v == null || v == Json.NULL) return otherwise;
        if (!(v instanceof String)) throw HttpError.unprocessable("\"" + field + "\" must be a string");
        return (String) v;
    }

    boolean bool(String field, boolean otherwise) throws HttpError {
        Object v = fields.get(field);
        if (v == null || v == Json.NULL) return otherwise;
        if (!(v instanceof Boolean)) throw HttpError.unprocessable("\"" + field + "\" must be true or false");
        return (Boolean) v;
    }

    int integer(String field, int otherwise, int min, int max) throws HttpError {
        return (int) whole(field, otherwise, min, max);
    }

    long whole(String field, long otherwise, long min, long max) throws HttpError {
        Object v = fields.get(field);
        if (v == null || v == Json.NULL) return otherwise;
        if (!(v instanceof Long) || (Long) v < min || (Long) v > max) {
            throw HttpError.unprocessable("\"" + field + "\" must be a whole number from " + min + " to " + max);
        }
        return (Long) v;
    }

    double number(String field, double otherwise) throws HttpError {
        Object v = fields.get(field);
        if (v == null || v == Json.NULL) return otherwise;
        if (!(v instanceof Number)) throw HttpError.unprocessable("\"" + field + "\" must be a number");
        return ((Number) v).doubleValue();
    }

    /**
     * The bytes of an image given as a {@code data:image/...;base64,} URI or as plain base64; {@code where} names the
     * field and item. URLs are refused: the server never fetches anything.
     */
    static byte[] image(String value, String where) throws HttpError {
        String b64 = value.strip();
        if (b64.startsWith("data:")) {
            int comma = b64.indexOf(',');
            if (comma < 0 || !b64.substring(0, comma).endsWith(";base64")) {
                throw HttpError.unprocessable(where + ": a data URI must be data:<type>;base64,<data>");
            }
            b64 = b64.substring(comma + 1);
        } else if (b64.startsWith("http://") || b64.startsWith("https://") || b64.startsWith("file:")) {
            throw HttpError.unprocessable(
                    where + ": give the image itself (base64 or a data URI); URLs are not fetched");
        }
        try {
            return Base64.getDecoder().decode(b64.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw HttpError.unprocessable(where + ": not valid base64 (" + e.getMessage() + ")");
        }
    }
}
