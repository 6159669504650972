package io.github.altclip4j.index;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.formats.JsonRecords;
import io.github.altclip4j.formats.Npy;
import io.github.altclip4j.formats.Spelling;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.ThreadPool;
import io.github.altclip4j.tensor.TopK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A searchable index of the images in a folder: their embeddings (as {@code .npy} files) and where each came from,
 * kept up to date incrementally (docs/index-format.md).
 *
 * <pre>{@code
 * try (AltClip clip = AltClip.load(model)) {
 *     ImageIndex index = ImageIndex.create(Path.of("photos.index"), clip, ImageIndex.Store.F32);  // or open(...)
 *     index.update(clip, Path.of("Photos"), UpdateOptions.defaults(), IndexProgress.NONE);
 *     for (ImageIndex.Result r : index.search(clip, clip.embedText("一只在沙发上睡觉的猫"), 10, -1f)) System.out.println(r);
 * }
 * }</pre>
 *
 * <p>Writes go to new files that a new {@code index.json} then lists (atomically replaced), so a reader sees the
 * state before an update or after a committed batch, never a torn one, and a killed update loses at most the batch
 * it was embedding. {@link #update} holds a lock file; a second process updating the same index is refused.
 */
public final class ImageIndex {
    /** How the embeddings are stored: float32, bfloat16 (half the bytes), or int8 with a scale per vector (a quarter). */
    public enum Store {
        F32(DType.F32, Npy.Type.F32),
        BF16(DType.BF16, Npy.Type.U16),
        INT8(DType.I8, Npy.Type.I8);

        private final DType dtype;
        private final Npy.Type npy;

        Store(DType dtype, Npy.Type npy) {
            this.dtype = dtype;
            this.npy = npy;
        }

        DType dtype() {
            return dtype;
        }

        Npy.Type npyType() {
            return npy;
        }

        int bytes() {
            return npy.bytes();
        }

        public static Store parse(String s) {
            return Spelling.parse(Store.class, s, "store");
        }
    }

    /**
     * An indexed image: its id (stable across updates: a moved or renamed file keeps it), its path relative to the
     * root, size, modification time (ms), decoded size and the SHA-256 of its bytes (null if it could not be read).
     */
    public record Entry(
            @JsonRecords.Range(min = 1, max = Long.MAX_VALUE)
            long id,

            String path,
            long size,
            long mtime,
            int width,
            int height,
            @JsonRecords.Optional String sha256) {}

    /** A file that could not be embedded, with why (kept so that it is not retried until it changes). */
    public record Failure(String path, long size, long mtime, String error) {}

    /**
     * A search hit: the image's path, its score (cosine), its row in this commit of the index (rows move when an
     * update removes or merges) and its id (which does not: use it to name the image later).
     */
    public record Result(Path path, float score, int row, long id) {}

    private final Path dir;
    private volatile IndexHeader header;
    /** The header file's identity when it was read: each commit writes a new file in its place. */
    private List<Object> headerKey;
    /** Commits that may replace the header under a reader before it gives up (each needs a writer's whole batch). */
    private static final int MAX_RELOADS = 5;
    /** The live rows, loaded on first search: vectors and where each came from. */
    private EmbeddingTable vectors;

    private List<Entry> entries;
    /** Each live row's position by its id. */
    private Map<Long, Integer> rowsById;

    private ImageIndex(Path dir) throws IOException {
        this.dir = dir;
        readHeader();
    }

    /** Reads the committed header and notes which file it was (a commit between the two is read again). */
    synchronized void readHeader() throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Object> before = headerKey(dir);
            IndexHeader h = IndexHeader.read(dir);
            if (before.equals(headerKey(dir)) || attempt == MAX_RELOADS) {
                header = h;
                headerKey = before;
                vectors = null;
                entries = null;
                rowsById = null;
                return;
            }
        }
    }

    private static List<Object> headerKey(Path dir) throws IOException {
        BasicFileAttributes a = Files.readAttributes(dir.resolve(IndexHeader.FILE), BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    }

    /** Whether another commit has replaced the header since this index read it ({@link #open} it again to see it). */
    public boolean changedOnDisk() throws IOException {
        return !headerKey(dir).equals(headerKey);
    }

    /** Whether {@code dir} holds an index (its header). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(IndexHeader.FILE));
    }

    /** Opens an existing index (nothing is read but its header until the first search). */
    public static ImageIndex open(Path dir) throws IOException {
        if (!exists(dir)) IndexHeader.read(dir); // the error that says why
        return new ImageIndex(dir);
    }

    /**
     * Opens the index in {@code dir}, or creates an empty one for {@code root} made with {@code model} (store is used
     * only when creating).
     */
    public static ImageIndex create(Path dir, Path root, ModelFolder model, Store store) throws IOException {
        if (exists(dir)) return open(dir);
        Files.createDirectories(dir);
        IndexHeader h = new IndexHeader(
                IndexHeader.FORMAT,
                IndexHeader.VERSION,
                root.toAbsolutePath().normalize().toString(),
                model.name(),
                model.fingerprint(),
                model.dimension(),
                store,
                1,
                1,
                List.of());
        h.write(dir);
        return new ImageIndex(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The folder whose images are indexed. */
    public Path root() {
        return Path.of(header.root());
    }

    public Store store() {
        return header.store();
    }

    /** The embedding width. */
    public int dim() {
        return header.dim();
    }

    /** Images in the index (failures not counted). */
    public long size() {
        return header.liveRows();
    }

    /**
     * Refuses {@code model} if it is not the one that made the index (embeddings of another model live in another
     * space). Cheap: a caller checks this before it loads the weights.
     */
    public void requireModel(ModelFolder model) throws IOException {
        if (!model.fingerprint().equals(header.modelFingerprint())) {
            throw new IndexException(
                    dir,
                    "was made with the model \"" + header.model() + "\", not with " + model
                            + " (its embeddings are not comparable); index again with this model into another folder");
        }
    }

    /**
     * Begins an update with {@code model}: takes the index's lock (a second updater is refused), walks {@link #root}
     * and finds what changed, all before any weights are loaded; {@link IndexUpdate#run} then does it.
     */
    public IndexUpdate beginUpdate(ModelFolder model, UpdateOptions options) throws IOException {
        requireModel(model);
        return new IndexUpdate(this, options);
    }

    /** Embeds new and changed images under {@link #root}, drops deleted ones; see {@link IndexUpdate}. */
    public IndexUpdate.Summary update(AltClip clip, UpdateOptions options, IndexProgress progress) throws IOException {
        try (IndexUpdate u = beginUpdate(clip.modelFolder(), options)) {
            return u.run(clip, progress);
        }
    }

    /** The files that could not be embedded, with their errors. */
    public synchronized List<Failure> failures() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return committedFailures();
            } catch (IOException e) {
                if (attempt == MAX_RELOADS || !changedOnDisk()) throw e;
                readHeader(); // see load()
            }
        }
    }

    private List<Failure> committedFailures() throws IOException {
        header.requireCurrent(dir);
        List<Failure> out = new ArrayList<>();
        for (IndexHeader.SegmentInfo s : header.segments()) {
            List<Failure> f = Segments.failures(dir, s);
            for (int i = 0; i < f.size(); i++) if (Arrays.binarySearch(s.deletedFailures(), i) < 0) out.add(f.get(i));
        }
        return out;
    }

    /** Every live image, in row order. */
    public synchronized List<Entry> entries() throws IOException {
        load();
        return entries;
    }

    /** The row that holds the image with {@code id} in this commit, or -1 if none does. */
    public synchronized int row(long id) throws IOException {
        load();
        return rowsById.getOrDefault(id, -1);
    }

    /** The stored vector of a row (widened to float32; unit length up to the store's rounding). */
    public float[] vector(int row) throws IOException {
        EmbeddingTable t = vectors();
        if (row < 0 || row >= t.rows())
            throw new IndexException(dir, "no row " + row + " (the index has " + t.rows() + ")");
        float[] v = new float[t.cols()];
        t.row(row, v, 0);
        return v;
    }

    /** The live vectors, in row order. */
    synchronized EmbeddingTable vectors() throws IOException {
        load();
        return vectors;
    }

    /**
     * The {@code k} images closest to a unit-length query (a text or an image embedding of the index's model), best
     * first, scores below {@code minScore} left out; ties go to the lower row.
     */
    public List<Result> search(AltClip clip, float[] query, int k, float minScore) throws IOException {
        return search(clip, new float[][] {query}, k, minScore).get(0);
    }

    /** {@link #search(AltClip, float[], int, float)} for several queries in one pass over the vectors. */
    public List<List<Result>> search(AltClip clip, float[][] queries, int k, float minScore) throws IOException {
        return search(clip.modelFolder(), queries, k, minScore);
    }

    /** The same for a query made by {@code model} (checked to be the index's), on the shared compute threads. */
    public List<Result> search(ModelFolder model, float[] query, int k, float minScore) throws IOException {
        return search(model, new float[][] {query}, k, minScore).get(0);
    }

    private List<List<Result>> search(ModelFolder model, float[][] queries, int k, float minScore) throws IOException {
        requireModel(model);
        return search(ThreadPool.shared(), queries, k, minScore);
    }

    private List<List<Result>> search(ThreadPool pool, float[][] queries, int k, float minScore) throws IOException {
        EmbeddingTable table = vectors();
        List<Entry> e = entries();
        List<List<Result>> out = new ArrayList<>();
        Path root = root();
        for (List<TopK.Hit> hits : TopK.search(pool, table, queries, k, minScore)) {
            List<Result> r = new ArrayList<>();
            for (TopK.Hit h : hits) r.add(result(root, e.get(h.row()), h.score(), h.row()));
            out.add(r);
        }
        return out;
    }

    private static Result result(Path root, Entry e, float score, int row) {
        return new Result(root.resolve(e.path()), score, row, e.id());
    }

    /**
     * A group of near-duplicate images: their results (score: the best cosine to another member), by row, and the one
     * a {@link KeepRule} keeps.
     */
    public record DuplicateGroup(List<Result> images, Result keep) {}

    /**
     * The cosine from which two images count as duplicates unless told otherwise: it finds re-encoded, resized and
     * lightly edited copies (immich's default distance of 0.01 is a cosine of 0.99, exact-looking copies only).
     */
    public static final float DUPLICATE_THRESHOLD = 0.95f;

    /** {@link #duplicates(ThreadPool, float, KeepRule)} on the shared compute threads. */
    public List<DuplicateGroup> duplicates(float threshold, KeepRule keep) throws IOException {
        return duplicates(ThreadPool.shared(), threshold, keep);
    }

    /**
     * Groups of images whose embeddings have a cosine of at least {@code threshold} with another member, each with
     * the copy {@code keep} chooses.
     */
    public List<DuplicateGroup> duplicates(ThreadPool pool, float threshold, KeepRule keep) throws IOException {
        EmbeddingTable table = vectors();
        List<Entry> e = entries();
        Duplicates.Groups g = Duplicates.find(pool, table, threshold);
        float[] best = new float[table.rows()];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        for (Duplicates.Pair p : g.pairs()) {
            best[p.a()] = Math.max(best[p.a()], p.score());
            best[p.b()] = Math.max(best[p.b()], p.score());
        }
        List<DuplicateGroup> out = new ArrayList<>();
        Path root = root();
        for (List<Integer> rows : g.groups()) {
            List<Result> members = new ArrayList<>();
            List<Entry> entries = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (int r : rows) {
                members.add(result(root, e.get(r), best[r], r));
                entries.add(e.get(r));
                files.add(root.resolve(e.get(r).path()));
            }
            out.add(new DuplicateGroup(members, members.get(keep.keeper(entries, files))));
        }
        return out;
    }

    /**
     * Reads the live rows of every segment into memory (once). A commit in another process may replace the header this
     * index read and then delete segment files it listed (a merge): the newer commit is read and loaded instead, so a
     * reader sees one whole commit, the old or a newer one, never a mix; the same header failing is a real fault.
     */
    private void load() throws IOException {
        for (int attempt = 1; vectors == null; attempt++) {
            try {
                loadCommitted();
            } catch (IOException e) {
                if (attempt == MAX_RELOADS || !changedOnDisk()) throw e;
                readHeader();
            }
        }
    }

    private void loadCommitted() throws IOException {
        header.requireCurrent(dir);
        long live = header.liveRows();
        EmbeddingTable table = EmbeddingTable.allocate(
                ThreadPool.shared(),
                Math.toIntExact(live),
                header.dim(),
                header.store().dtype());
        List<Entry> all = new ArrayList<>();
        int[] next = {0};
        int dim = header.dim();
        float[] f32 = new float[dim], scale = new float[1];
        short[] bf16 = new short[dim];
        byte[] i8 = new byte[dim];
        for (IndexHeader.SegmentInfo s : header.segments()) {
            List<Entry> segEntries = Segments.entries(dir, s);
            Segments.vectors(dir, s, header.store(), dim, (row, bytes, rowScale) -> {
                int at = next[0]++;
                all.add(segEntries.get(row));
                switch (header.store()) {
                    case F32:
                        bytes.asFloatBuffer().get(f32);
                        table.putRows(f32, 0, at, 1);
                        break;
                    case BF16:
                        bytes.asShortBuffer().get(bf16);
                        table.putRows(bf16, 0, at, 1);
                        break;
                    default:
                        bytes.get(i8);
                        scale[0] = rowScale;
                        table.putRows(i8, 0, at, 1, scale, 0);
                }
            });
        }
        if (next[0] != live)
            throw new IndexException(dir, "the segments hold " + next[0] + " live rows, the header says " + live);
        Map<Long, Integer> byId = new HashMap<>();
        for (int r = 0; r < all.size(); r++) {
            if (byId.put(all.get(r).id(), r) != null)
                throw new IndexException(
                        dir, "two live rows have the id " + all.get(r).id());
        }
        vectors = table;
        entries = List.copyOf(all);
        rowsById = byId;
    }
}
