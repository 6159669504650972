package io.github.altclip4j.formats;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON Lines: one JSON object per line (blank lines skipped); an error names the source and the line. */
public final class JsonLines {
    private JsonLines() {}

    /** A malformed line: the source's name, the line number and what is wrong. */
    public static final class LineException extends IOException {
        private static final long serialVersionUID = 1L;
        /** The line number (from 1) and what is wrong with it, without the source. */
        public final String where;

        LineException(String source, int line, String message) {
            super(source + ": line " + line + ": " + message);
            this.where = "line " + line + ": " + message;
        }
    }

    /** Every object of {@code in}, in order; {@code source} names it in errors. */
    public static List<Map<?, ?>> read(BufferedReader in, String source) throws IOException {
        List<Map<?, ?>> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) continue;
            Object o;
            try {
                o = Json.parse(line);
            } catch (Json.JsonException e) {
                throw new LineException(source, n, e.getMessage());
            }
            if (!(o instanceof Map)) throw new LineException(source, n, "not a JSON object");
            out.add((Map<?, ?>) o);
        }
        return out;
    }
}
