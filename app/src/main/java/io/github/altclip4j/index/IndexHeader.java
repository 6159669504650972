package io.github.altclip4j.index;

import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.formats.JsonWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code index.json}: the committed state of an index (docs/index-format.md). Everything else in the folder is data
 * that this file points to; writing it (atomically) is what makes a change visible.
 */
record IndexHeader(
        String root,
        String model,
        String modelFingerprint,
        @JsonRecords.Range(min = 1, max = MAX_DIM) int dim,
        ImageIndex.Store store,
        @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE) int nextSegment,
        List<SegmentInfo> segments) {
    static final String FILE = "index.json", FORMAT = "altclip4j-image-index";
    static final int VERSION = 1;
    /** Sanity bounds for hostile headers: row counts and the embedding width. */
    private static final long MAX_ROWS = 1L << 31, MAX_DIM = 1 << 16;

    /** One segment: its id (file names), row and failure counts, and the rows and failures since dropped. */
    record SegmentInfo(
            @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE)
            int id,

            @JsonRecords.Range(min = 0, max = MAX_ROWS - 1) int rows,

            @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE)
            int failures,

            @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE)
            int[] deleted,

            @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE)
            int[] deletedFailures) {
        SegmentInfo {
            increasing(deleted, rows, "deleted");
            increasing(deletedFailures, failures, "deleted_failures");
        }

        int live() {
            return rows - deleted.length;
        }

        int liveFailures() {
            return failures - deletedFailures.length;
        }

        /** A list of increasing whole numbers below {@code limit}. */
        private static void increasing(int[] list, int limit, String name) {
            if (list == null) throw new IllegalArgumentException("segment \"" + name + "\" is not a list");
            for (int i = 0; i < list.length; i++) {
                if (list[i] >= limit || (i > 0 && list[i] <= list[i - 1]))
                    throw new IllegalArgumentException(
                            "segment \"" + name + "\" must list increasing numbers below " + limit);
            }
        }
    }

    /** What a header says it is, read before the rest. */
    private record Stamp(
            String format,
            @JsonRecords.Range(min = 1, max = 1000) int version) {}

    static IndexHeader read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(dir.toString(), null, "not an index (no " + FILE + ")");
        try {
            Object o = Json.parse(Files.readAllBytes(file));
            Stamp stamp = JsonRecords.read(Stamp.class, o);
            if (!FORMAT.equals(stamp.format())) throw new IndexException(file, "not an altclip4j image index header");
            if (stamp.version() != VERSION)
                throw new IndexException(
                        file, "index format version " + stamp.version() + " (this build reads " + VERSION + ")");
            IndexHeader h = JsonRecords.read(IndexHeader.class, o);
            if (h.segments() == null) throw new IndexException(file, "\"segments\" is not a list");
            long total = h.segments().stream().mapToLong(SegmentInfo::rows).sum();
            if (total >= MAX_ROWS)
                throw new IndexException(file, total + " rows exceed this build's limit of " + (MAX_ROWS - 1));
            return h;
        } catch (Json.JsonException e) {
            throw new IndexException(file, "not valid JSON: " + e.getMessage());
        } catch (JsonRecords.FieldException e) {
            if (e.field.equals("format") || e.field.equals("(the document)"))
                throw new IndexException(file, "not an altclip4j image index header");
            throw new IndexException(file, e.getMessage());
        }
    }

    void write(Path dir) throws IOException {
        JsonWriter j = new JsonWriter()
                .beginObject()
                .name("format")
                .value(FORMAT)
                .name("version")
                .value(VERSION)
                .fields(this)
                .endObject();
        AtomicFile.writeString(dir.resolve(FILE), j + "\n");
    }

    IndexHeader withSegments(List<SegmentInfo> s, int next) {
        return new IndexHeader(root, model, modelFingerprint, dim, store, next, List.copyOf(s));
    }

    long liveRows() {
        return segments.stream().mapToLong(SegmentInfo::live).sum();
    }
}
