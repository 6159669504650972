package io.github.altclip4j.index;

import io.github.altclip4j.weights.AtomicFile;
import io.github.altclip4j.weights.Json;
import io.github.altclip4j.weights.JsonWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code index.json}: the committed state of an index (docs/index-format.md). Everything else in the folder is data
 * that this file points to; writing it (atomically) is what makes a change visible.
 */
record IndexHeader(
        String root,
        String model,
        String fingerprint,
        int dim,
        ImageIndex.Store store,
        int nextSegment,
        List<SegmentInfo> segments) {
    static final String FILE = "index.json", FORMAT = "altclip4j-image-index";
    static final int VERSION = 1;
    /** Sanity bounds for hostile headers: segment ids, row counts and the embedding width. */
    private static final long MAX_ROWS = 1L << 31, MAX_DIM = 1 << 16;

    /** One segment: its id (file names), row and failure counts, and the rows and failures since dropped. */
    record SegmentInfo(int id, int rows, int failures, int[] deleted, int[] deletedFailures) {
        int live() {
            return rows - deleted.length;
        }

        int liveFailures() {
            return failures - deletedFailures.length;
        }
    }

    static IndexHeader read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(dir.toString(), null, "not an index (no " + FILE + ")");
        Object o;
        try {
            o = Json.parse(Files.readAllBytes(file));
        } catch (Json.JsonException e) {
            throw new IndexException(file, "not valid JSON: " + e.getMessage());
        }
        if (!(o instanceof Map) || !FORMAT.equals(((Map<?, ?>) o).get("format")))
            throw new IndexException(file, "not an altclip4j image index header");
        Map<?, ?> m = (Map<?, ?>) o;
        long version = number(file, m, "version", 1, 1000);
        if (version != VERSION)
            throw new IndexException(file, "index format version " + version + " (this build reads " + VERSION + ")");
        ImageIndex.Store store = ImageIndex.Store.parse(string(file, m, "store"));
        List<SegmentInfo> segments = new ArrayList<>();
        if (!(m.get("segments") instanceof List)) throw new IndexException(file, "\"segments\" is not a list");
        long total = 0;
        for (Object s : (List<?>) m.get("segments")) {
            if (!(s instanceof Map)) throw new IndexException(file, "a segment entry is not an object");
            Map<?, ?> sm = (Map<?, ?>) s;
            int rows = (int) number(file, sm, "rows", 0, MAX_ROWS - 1);
            total += rows;
            int failures = (int) number(file, sm, "failures", 0, Integer.MAX_VALUE);
            segments.add(new SegmentInfo(
                    (int) number(file, sm, "id", 0, Integer.MAX_VALUE),
                    rows,
                    failures,
                    increasing(file, sm, "deleted", rows),
                    increasing(file, sm, "deleted_failures", failures)));
        }
        if (total >= MAX_ROWS)
            throw new IndexException(file, total + " rows exceed this build's limit of " + (MAX_ROWS - 1));
        return new IndexHeader(
                string(file, m, "root"),
                string(file, m, "model"),
                string(file, m, "model_fingerprint"),
                (int) number(file, m, "dim", 1, MAX_DIM),
                store,
                (int) number(file, m, "next_segment", 0, Integer.MAX_VALUE),
                segments);
    }

    void write(Path dir) throws IOException {
        JsonWriter j = new JsonWriter()
                .beginObject()
                .name("format")
                .value(FORMAT)
                .name("version")
                .value(VERSION)
                .name("root")
                .value(root)
                .name("model")
                .value(model)
                .name("model_fingerprint")
                .value(fingerprint)
                .name("dim")
                .value(dim)
                .name("store")
                .value(store.name().toLowerCase(Locale.ROOT))
                .name("next_segment")
                .value(nextSegment)
                .name("segments")
                .beginArray();
        for (SegmentInfo s : segments) {
            j.beginObject()
                    .name("id")
                    .value(s.id())
                    .name("rows")
                    .value(s.rows())
                    .name("failures")
                    .value(s.failures())
                    .name("deleted")
                    .value(s.deleted())
                    .name("deleted_failures")
                    .value(s.deletedFailures())
                    .endObject();
        }
        AtomicFile.writeString(dir.resolve(FILE), j.endArray().endObject() + "\n");
    }

    IndexHeader withSegments(List<SegmentInfo> s, int next) {
        return new IndexHeader(root, model, fingerprint, dim, store, next, List.copyOf(s));
    }

    long liveRows() {
        return segments.stream().mapToLong(SegmentInfo::live).sum();
    }

    /** A list of increasing whole numbers below {@code limit}. */
    private static int[] increasing(Path file, Map<?, ?> m, String key, int limit) throws IndexException {
        if (!(m.get(key) instanceof List)) throw new IndexException(file, "segment \"" + key + "\" is not a list");
        List<?> list = (List<?>) m.get(key);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long) || (Long) v < 0 || (Long) v >= limit || (i > 0 && (Long) v <= out[i - 1])) {
                throw new IndexException(file, "segment \"" + key + "\" must list increasing numbers below " + limit);
            }
            out[i] = (int) (long) (Long) v;
        }
        return out;
    }

    private static String string(Path file, Map<?, ?> m, String key) throws IndexException {
        if (!(m.get(key) instanceof String))
            throw new IndexException(file, "\"" + key + "\" is missing or not a string");
        return (String) m.get(key);
    }

    private static long number(Path file, Map<?, ?> m, String key, long min, long max) throws IndexException {
        Object v = m.get(key);
        if (!(v instanceof Long) || (Long) v < min || (Long) v > max) {
            throw new IndexException(
                    file, "\"" + key + "\" must be a whole number from " + min + " to " + max + ", got " + v);
        }
        return (Long) v;
    }
}
