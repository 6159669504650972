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
        String format,
        @JsonRecords.Range(min = 1, max = VERSION) int version,
        String root,
        String model,
        String modelFingerprint,
        @JsonRecords.Range(min = 1, max = MAX_DIM) int dim,
        ImageIndex.Store store,
        @JsonRecords.Range(min = 0, max = Integer.MAX_VALUE) int nextSegment,

        @JsonRecords.Optional @JsonRecords.Range(min = 0, max = Long.MAX_VALUE)
        long nextId,

        List<SegmentInfo> segments) {
    static final String FILE = "index.json", FORMAT = "altclip4j-image-index";
    /** Version 2 gave every row a stable id and its file's SHA-256 (version 1 indexes are upgraded by an update). */
    static final int VERSION = 2;
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

    /** Reads the header in {@code dir}: this build's format, or an older one that an update upgrades. */
    static IndexHeader read(Path dir) throws IOException {
        Parsed p = parse(dir);
        if (p.stamp.version() > VERSION)
            throw new IndexException(
                    p.file, "index format version " + p.stamp.version() + " (this build reads up to " + VERSION + ")");
        try {
            IndexHeader h = JsonRecords.read(IndexHeader.class, p.json);
            if (h.version() >= 2 && h.nextId() < 1)
                throw new IndexException(p.file, "\"next_id\" is missing or below 1");
            if (h.segments() == null) throw new IndexException(p.file, "\"segments\" is not a list");
            long total = h.segments().stream().mapToLong(SegmentInfo::rows).sum();
            if (total >= MAX_ROWS)
                throw new IndexException(p.file, total + " rows exceed this build's limit of " + (MAX_ROWS - 1));
            return h;
        } catch (JsonRecords.FieldException e) {
            throw new IndexException(p.file, e.getMessage());
        }
    }

    /** Refuses to read the rows of an index of an older format (their lines lack what this build needs). */
    void requireCurrent(Path dir) throws IndexException {
        if (version < VERSION) {
            throw new IndexException(
                    dir.resolve(FILE),
                    "index format version " + version + ", written by an older altclip4j: run `altclip index` on it"
                            + " once to upgrade it (nothing is embedded again)");
        }
    }

    private record Parsed(Path file, Object json, Stamp stamp) {}

    private static Parsed parse(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(dir.toString(), null, "not an index (no " + FILE + ")");
        try {
            Object o = Json.parse(Files.readAllBytes(file));
            Stamp stamp = JsonRecords.read(Stamp.class, o);
            if (!FORMAT.equals(stamp.format())) throw new IndexException(file, "not an altclip4j image index header");
            return new Parsed(file, o, stamp);
        } catch (Json.JsonException e) {
            throw new IndexException(file, "not valid JSON: " + e.getMessage());
        } catch (JsonRecords.FieldException e) {
            if (e.field.equals("format") || e.field.equals("(the document)"))
                throw new IndexException(file, "not an altclip4j image index header");
            throw new IndexException(file, e.getMessage());
        }
    }

    void write(Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve(FILE), new JsonWriter().any(this) + "\n");
    }

    /** This header, in this build's format, with other segments, the next segment's number and the next row id. */
    IndexHeader with(List<SegmentInfo> s, int nextSegment, long nextId) {
        return new IndexHeader(
                FORMAT, VERSION, root, model, modelFingerprint, dim, store, nextSegment, nextId, List.copyOf(s));
    }

    long liveRows() {
        return segments.stream().mapToLong(SegmentInfo::live).sum();
    }
}
