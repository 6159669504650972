package io.github.altclip4j.index;

import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.formats.JsonLines;
import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.formats.Npy;
import io.github.altclip4j.tensor.Half;
import io.github.altclip4j.tensor.Int8;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one segment (docs/index-format.md): {@code seg-N.npy} (the embeddings, one row per image, as float32,
 * bfloat16 bits or int8), {@code seg-N.scales.npy} (int8: each row's scale), {@code seg-N.jsonl} (one line per row:
 * id, path, size, mtime, width, height, sha256) and {@code seg-N.errors.jsonl} (files that could not be embedded). Segments are
 * written once, each file atomically, before the header that lists them.
 */
final class Segments {
    private Segments() {}

    static String base(int id) {
        return String.format(Locale.ROOT, "seg-%06d", id);
    }

    /** Every file name segment {@code id} may have. */
    static List<String> fileNames(int id) {
        String b = base(id);
        return List.of(b + ".npy", b + ".scales.npy", b + ".jsonl", b + ".errors.jsonl");
    }

    /** A segment from float32 embeddings, encoded in the index's store type. */
    static void write(
            Path dir,
            int id,
            ImageIndex.Store store,
            int dim,
            List<float[]> vectors,
            List<ImageIndex.Entry> entries,
            List<ImageIndex.Failure> failures)
            throws IOException {
        int n = vectors.size();
        ByteBuffer data = ByteBuffer.allocate(n * dim * store.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        float[] scales = new float[n];
        byte[] q = new byte[dim];
        for (int r = 0; r < n; r++) {
            float[] v = vectors.get(r);
            switch (store) {
                case F32:
                    for (float x : v) data.putFloat(x);
                    break;
                case BF16:
                    for (float x : v) data.putShort(Half.floatToBf16(x));
                    break;
                default:
                    scales[r] = Int8.quantizeRow(v, 0, dim, q, 0);
                    data.put(q);
            }
        }
        writeStored(dir, id, store, dim, data.flip(), scales, entries, failures);
    }

    /** A segment from vectors already in the store's encoding ({@code scales}: int8 only), e.g. rows of merged segments. */
    static void writeStored(
            Path dir,
            int id,
            ImageIndex.Store store,
            int dim,
            ByteBuffer data,
            float[] scales,
            List<ImageIndex.Entry> entries,
            List<ImageIndex.Failure> failures)
            throws IOException {
        String b = base(id);
        int n = entries.size();
        Npy.write(dir.resolve(b + ".npy"), store.npyType(), n, dim, data);
        if (store == ImageIndex.Store.INT8) {
            ByteBuffer s = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            s.asFloatBuffer().put(scales, 0, n);
            Npy.write(dir.resolve(b + ".scales.npy"), Npy.Type.F32, n, -1, s);
        }
        writeEntries(dir, id, entries);
        if (!failures.isEmpty()) AtomicFile.writeString(dir.resolve(b + ".errors.jsonl"), jsonLines(failures));
    }

    /** The segment's {@code .jsonl}: one line per row (the upgrade from format 1 rewrites it in place). */
    static void writeEntries(Path dir, int id, List<ImageIndex.Entry> entries) throws IOException {
        AtomicFile.writeString(dir.resolve(base(id) + ".jsonl"), jsonLines(entries));
    }

    private static String jsonLines(List<? extends Record> records) {
        StringBuilder lines = new StringBuilder();
        for (Record r : records) lines.append(new JsonWriter().any(r)).append('\n');
        return lines.toString();
    }

    static List<ImageIndex.Entry> entries(Path dir, IndexHeader.SegmentInfo s) throws IOException {
        return entries(dir, s, ImageIndex.Entry.class);
    }

    /** The segment's rows as {@code type} (the upgrade reads them as format 1 wrote them). */
    static <R extends Record> List<R> entries(Path dir, IndexHeader.SegmentInfo s, Class<R> type) throws IOException {
        Path file = dir.resolve(base(s.id()) + ".jsonl");
        List<R> out = records(file, type);
        if (out.size() != s.rows())
            throw new IndexException(file, out.size() + " lines for a segment of " + s.rows() + " rows");
        return out;
    }

    static List<ImageIndex.Failure> failures(Path dir, IndexHeader.SegmentInfo s) throws IOException {
        if (s.failures() == 0) return List.of();
        Path file = dir.resolve(base(s.id()) + ".errors.jsonl");
        List<ImageIndex.Failure> out = records(file, ImageIndex.Failure.class);
        if (out.size() != s.failures())
            throw new IndexException(file, out.size() + " lines for " + s.failures() + " failures");
        return out;
    }

    /** Receives each live row's vector; {@code row} counts the segment's rows from 0, deleted ones included. */
    @FunctionalInterface
    interface VectorSink {
        void accept(int row, ByteBuffer littleEndian, float scale);
    }

    /** Streams the segment's vectors, checked against the header's shape and type. */
    static void vectors(Path dir, IndexHeader.SegmentInfo s, ImageIndex.Store store, int dim, VectorSink sink)
            throws IOException {
        Path file = dir.resolve(base(s.id()) + ".npy");
        Npy npy = Npy.open(file);
        if (npy.type() != store.npyType() || npy.rows() != s.rows() || npy.cols() != dim) {
            throw new IndexException(
                    file,
                    "holds " + npy.rows() + " x " + npy.cols() + " " + npy.type() + ", the header says " + s.rows()
                            + " x " + dim + " " + store.npyType());
        }
        float[] scales = new float[s.rows()];
        if (store == ImageIndex.Store.INT8) {
            Path sf = dir.resolve(base(s.id()) + ".scales.npy");
            Npy sn = Npy.open(sf);
            if (sn.type() != Npy.Type.F32 || sn.rows() != s.rows() || sn.cols() != 1)
                throw new IndexException(sf, "is not " + s.rows() + " float32 scales");
            sn.readRows((b, first, n) -> b.asFloatBuffer().get(scales, (int) first, n));
        }
        int rowBytes = dim * store.bytes();
        int[] deleted = s.deleted();
        npy.readRows((b, first, n) -> {
            for (int i = 0; i < n; i++) {
                int row = (int) first + i;
                if (Arrays.binarySearch(deleted, row) >= 0) continue;
                sink.accept(row, b.slice(i * rowBytes, rowBytes).order(ByteOrder.LITTLE_ENDIAN), scales[row]);
            }
        });
    }

    /** One record per line of a JSON Lines file; a bad line is an error naming the file, the line and the field. */
    private static <R extends Record> List<R> records(Path file, Class<R> type) throws IOException {
        List<Map<?, ?>> lines;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = JsonLines.read(r, file.toString());
        } catch (JsonLines.LineException e) {
            throw new IndexException(file, e.where);
        }
        List<R> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                out.add(JsonRecords.read(type, lines.get(i)));
            } catch (JsonRecords.FieldException e) {
                throw new IndexException(file, "line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }
}
