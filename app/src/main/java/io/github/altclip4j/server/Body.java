package io.github.altclip4j.server;

import com.sun.net.httpserver.HttpExchange;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reading a JSON request body into its request record: each wrong field or item is an {@link HttpError} naming it. */
final class Body {
    private Body() {}

    /** The request's body (bounded by the server's limit) as a {@code type}; not JSON, or a wrong field, is a 400/422. */
    static <R extends Record> R read(AltClipServer server, HttpExchange ex, Class<R> type)
            throws IOException, HttpError {
        Object o;
        try {
            o = Json.parse(server.body(ex));
        } catch (Json.JsonException e) {
            throw HttpError.invalid("the body is not valid JSON: " + e.getMessage());
        }
        if (!(o instanceof Map)) throw HttpError.invalid("the body must be a JSON object");
        try {
            return JsonRecords.read(type, o);
        } catch (JsonRecords.FieldException e) {
            throw HttpError.unprocessable(e.getMessage());
        }
    }

    /** A list field: null (absent) is a 422 when {@code required}, else empty; more than {@code max} items a 413. */
    static <T> List<T> items(List<T> list, String field, int max, boolean required) throws HttpError {
        if (list == null) {
            if (required) throw HttpError.unprocessable("\"" + field + "\" is required");
            return List.of();
        }
        if (list.size() > max)
            throw new HttpError(
                    413, "payload_too_large", "\"" + field + "\" has " + list.size() + " items; the limit is " + max);
        return list;
    }

    /** Each element of a list of objects as a {@code type}, named {@code field[i]} in errors. */
    static <R extends Record> List<R> records(List<?> list, String field, Class<R> type) throws HttpError {
        List<R> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(JsonRecords.read(type, list.get(i)));
            } catch (JsonRecords.FieldException e) {
                String at = field + "[" + i + "]";
                throw HttpError.unprocessable(
                        e.field.equals("(the document)")
                                ? "\"" + at + "\" must be an object"
                                : e.getMessage().replaceFirst("^\"", "\"" + at + "."));
            }
        }
        return out;
    }

    /** Each base64 image of {@code values}, named {@code field[i]} in errors. */
    static List<byte[]> images(List<String> values, String field) throws HttpError {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) out.add(image(values.get(i), field + "[" + i + "]"));
        return out;
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
