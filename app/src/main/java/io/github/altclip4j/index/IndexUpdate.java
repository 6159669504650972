package io.github.altclip4j.index;

import io.github.altclip4j.AltClip;
import io.github.altclip4j.ImageInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One incremental update of an index, under its lock (taken when the update is made, released by {@link #close}):
 * <ol>
 *   <li>upgrade an index of an older format ({@link IndexUpgrade});</li>
 *   <li>walk the root; a file whose size and modification time match its row (or its recorded failure) is kept; a
 *       new path whose bytes (SHA-256) an indexed row holds reuses that row's vector: a moved or renamed file keeps
 *       its row's id, a copy gets a new one (this plan needs no model, so a caller loads one only when
 *       {@link #toEmbed} is not zero);</li>
 *   <li>commit, in one header, the removal of rows and failures whose file changed or disappeared and a segment of
 *       the reused vectors;</li>
 *   <li>embed the new and changed files in batches, decoding ahead on other threads while the image tower runs;
 *       each batch becomes a segment and is committed (a file that cannot be decoded is recorded as a failure in
 *       it, and never shifts the rows of the others);</li>
 *   <li>merge segments so that their number stays logarithmic in the rows (16 of a size make one of the next), and
 *       delete the files no committed header lists (a killed run's leftovers).</li>
 * </ol>
 * A commit is the atomic replacement of {@code index.json}, so a kill at any moment leaves the last committed state,
 * and the next run picks up the files it had not reached.
 */
public final class IndexUpdate implements AutoCloseable {
    /** What an update did, and where its time went. */
    public record Summary(
            String index,
            int found,
            int unchanged,
            int moved,
            int copied,
            int embedded,
            int failed,
            int removed,
            double seconds,
            double decodeWaitSeconds,
            double embedSeconds) {}

    private static final int MERGE_FAN_IN = 16;

    private final ImageIndex index;
    private final Path dir;
    private final IndexLock lock;
    private IndexHeader header;
    private final UpdateOptions options;
    private final long start = System.nanoTime();
    // The plan, made before any model is needed: what the walk found, the rows still current, the files to embed.
    private final Path root;
    private final int found;
    private final List<IndexHeader.SegmentInfo> kept = new ArrayList<>();
    private final int removed;
    private final List<PhotoWalk.Found> todo = new ArrayList<>();
    /** The rows live before this update that have a content hash (what a new path may reuse). */
    private final List<Source> indexed = new ArrayList<>();

    private final List<Reuse> reused = new ArrayList<>();
    private int moved, copied;
    private boolean ran;
    // What the embedding did: its failures, and where its time went.
    private int failed;
    private double decodeWaitSeconds, towerSeconds;

    /** Takes the index's lock, then walks its root and compares each file with its row (no model needed). */
    IndexUpdate(ImageIndex index, UpdateOptions options) throws IOException {
        this.index = index;
        this.dir = index.dir();
        this.options = options;
        this.lock = IndexLock.acquire(dir);
        try {
            IndexUpgrade.ifOld(dir);
            this.header = IndexHeader.read(dir);
            this.root = Path.of(header.root());
            if (!Files.isDirectory(root))
                throw new IndexException(root, "the indexed folder does not exist (or is not a folder)");
            List<PhotoWalk.Found> walked =
                    PhotoWalk.walk(root, options.include(), options.exclude(), options.followLinks());
            this.found = walked.size();
            this.removed = compare(walked) - reuse();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** New or changed files the update will embed: none means {@link #run} needs no model. */
    public int toEmbed() {
        return todo.size();
    }

    /**
     * Commits the removals, embeds the files to embed with {@code clip} (which may be null when there are none), merges
     * segments; the index then reads its new header.
     */
    public Summary run(AltClip clip, IndexProgress progress) throws IOException {
        if (ran) throw new IllegalStateException("an update runs once");
        ran = true;
        if (clip == null && !todo.isEmpty())
            throw new IllegalArgumentException(todo.size() + " file(s) to embed need a model");
        removeUncommittedFiles();
        if (!reused.isEmpty()) commitReused();
        else if (!sameDeletions(kept, header.segments())) commit(kept, header.nextSegment(), header.nextId());
        if (!todo.isEmpty()) embed(clip, progress);
        mergeSegments();
        removeUncommittedFiles();
        index.readHeader();
        return new Summary(
                dir.toString(),
                found,
                found - todo.size() - moved - copied,
                moved,
                copied,
                todo.size() - failed,
                failed,
                removed,
                (System.nanoTime() - start) / 1e9,
                decodeWaitSeconds,
                towerSeconds);
    }

    /** Releases the index's lock. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    /**
     * Keeps the rows and failures that still describe their file (the others are marked deleted in {@link #kept}) and
     * lists the files to embed; returns the rows removed.
     */
    private int compare(List<PhotoWalk.Found> walked) throws IOException {
        Map<String, PhotoWalk.Found> byPath = new HashMap<>();
        for (PhotoWalk.Found f : walked) byPath.put(f.path(), f);
        Set<String> current = new HashSet<>();
        int dropped = 0;
        for (IndexHeader.SegmentInfo s : header.segments()) {
            List<ImageIndex.Entry> entries = Segments.entries(dir, s);
            List<ImageIndex.Failure> failures = Segments.failures(dir, s);
            int[] deleted = drop(
                    s.deleted(),
                    entries.size(),
                    i -> stillSame(
                            byPath.get(entries.get(i).path()),
                            entries.get(i).size(),
                            entries.get(i).mtime(),
                            current,
                            entries.get(i).path()));
            int[] deletedFailures = drop(
                    s.deletedFailures(),
                    failures.size(),
                    i -> stillSame(
                            byPath.get(failures.get(i).path()),
                            failures.get(i).size(),
                            failures.get(i).mtime(),
                            current,
                            failures.get(i).path()));
            dropped += deleted.length - s.deleted().length;
            kept.add(new IndexHeader.SegmentInfo(s.id(), s.rows(), s.failures(), deleted, deletedFailures));
            for (int i = 0; i < entries.size(); i++) {
                if (Arrays.binarySearch(s.deleted(), i) < 0 && entries.get(i).sha256() != null)
                    indexed.add(new Source(s, i, entries.get(i), Arrays.binarySearch(deleted, i) >= 0));
            }
        }
        for (PhotoWalk.Found f : walked) if (!current.contains(f.path())) todo.add(f);
        return dropped;
    }

    /** An indexed row a new path may reuse: where it is, what it holds, and whether this update drops it. */
    private record Source(IndexHeader.SegmentInfo segment, int row, ImageIndex.Entry entry, boolean dropped) {}

    /** A new path whose bytes an indexed row holds; {@code keepsId}: a move (the row is dropped), not a copy. */
    private record Reuse(PhotoWalk.Found file, String sha256, Source from, boolean keepsId) {}

    /**
     * Takes out of {@link #todo} the files whose bytes an indexed row holds (the same size, then the same SHA-256, so
     * only files of an indexed size are read). A dropped row (its file moved, or was touched) lends its vector and its
     * id once, first to a file with its modification time (a move keeps it, a copy usually does not); a live row, or
     * one already lent, lends its vector to a copy with a new id. Returns how many dropped rows were carried over
     * (they are not removed images).
     */
    private int reuse() {
        Map<Long, List<Source>> bySize = new HashMap<>();
        for (Source s : indexed)
            bySize.computeIfAbsent(s.entry().size(), k -> new ArrayList<>()).add(s);
        Map<PhotoWalk.Found, String> hashes = new HashMap<>();
        Map<PhotoWalk.Found, List<Source>> holders = new HashMap<>();
        for (PhotoWalk.Found f : todo) {
            List<Source> sameSize = bySize.get(f.size());
            if (sameSize == null) continue;
            String sha = ContentHash.of(root.resolve(f.path()));
            List<Source> same = sameSize.stream()
                    .filter(s -> s.entry().sha256().equals(sha))
                    .toList();
            if (!same.isEmpty()) {
                hashes.put(f, sha);
                holders.put(f, same);
            }
        }
        Set<Source> lent = new HashSet<>();
        Map<PhotoWalk.Found, Reuse> found = new HashMap<>();
        for (boolean sameTimeOnly : new boolean[] {true, false}) {
            for (PhotoWalk.Found f : todo) {
                if (!holders.containsKey(f) || found.containsKey(f)) continue;
                Source from = holders.get(f).stream()
                        .filter(s -> s.dropped() && !lent.contains(s))
                        .filter(s -> !sameTimeOnly || s.entry().mtime() == f.mtime())
                        .findFirst()
                        .orElse(null);
                if (from != null) {
                    lent.add(from);
                    found.put(f, new Reuse(f, hashes.get(f), from, true));
                } else if (!sameTimeOnly) {
                    found.put(f, new Reuse(f, hashes.get(f), holders.get(f).get(0), false));
                }
            }
        }
        List<PhotoWalk.Found> still = new ArrayList<>();
        for (PhotoWalk.Found f : todo) {
            Reuse r = found.get(f);
            if (r == null) {
                still.add(f);
                continue;
            }
            reused.add(r);
            if (!r.keepsId()) copied++;
            else if (!r.from().entry().path().equals(f.path())) moved++;
        }
        todo.clear();
        todo.addAll(still);
        return lent.size();
    }

    /**
     * Writes the reused vectors (their stored bytes, as they are) as one segment and commits it with this update's
     * removals in one header, so a moved file is never both gone and not yet back.
     */
    private void commitReused() throws IOException {
        int n = reused.size(), rowBytes = header.dim() * header.store().bytes();
        ByteBuffer data = ByteBuffer.allocate(n * rowBytes);
        float[] scales = new float[n];
        Map<Integer, Map<Integer, List<Integer>>> wanted = new HashMap<>(); // segment id -> row -> places in reused
        Map<Integer, IndexHeader.SegmentInfo> segments = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Source from = reused.get(i).from();
            segments.put(from.segment().id(), from.segment());
            wanted.computeIfAbsent(from.segment().id(), k -> new HashMap<>())
                    .computeIfAbsent(from.row(), k -> new ArrayList<>())
                    .add(i);
        }
        for (Map.Entry<Integer, Map<Integer, List<Integer>>> w : wanted.entrySet()) {
            Segments.vectors(dir, segments.get(w.getKey()), header.store(), header.dim(), (row, bytes, scale) -> {
                for (int i : w.getValue().getOrDefault(row, List.of())) {
                    data.put(i * rowBytes, bytes, 0, rowBytes);
                    scales[i] = scale;
                }
            });
        }
        long nextId = header.nextId();
        List<ImageIndex.Entry> entries = new ArrayList<>();
        for (Reuse r : reused) {
            ImageIndex.Entry from = r.from().entry();
            long id = r.keepsId() ? from.id() : nextId++;
            PhotoWalk.Found f = r.file();
            entries.add(
                    new ImageIndex.Entry(id, f.path(), f.size(), f.mtime(), from.width(), from.height(), r.sha256()));
        }
        int id = header.nextSegment();
        Segments.writeStored(dir, id, header.store(), header.dim(), data, scales, entries, List.of());
        List<IndexHeader.SegmentInfo> next = new ArrayList<>(kept);
        next.add(new IndexHeader.SegmentInfo(id, n, 0, new int[0], new int[0]));
        commit(next, id + 1, nextId);
    }

    @FunctionalInterface
    private interface Keep {
        boolean test(int i);
    }

    /** The indices below {@code n} already in {@code deleted}, plus those {@code keep} rejects; increasing. */
    private static int[] drop(int[] deleted, int n, Keep keep) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(deleted, i) >= 0 || !keep.test(i)) out.add(i);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether a recorded file is still there unchanged (then it counts as current). */
    private static boolean stillSame(PhotoWalk.Found f, long size, long mtime, Set<String> current, String path) {
        if (f == null || f.size() != size || f.mtime() != mtime || !current.add(path)) return false;
        return true;
    }

    private static boolean sameDeletions(List<IndexHeader.SegmentInfo> a, List<IndexHeader.SegmentInfo> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).deleted(), b.get(i).deleted())
                    || !Arrays.equals(a.get(i).deletedFailures(), b.get(i).deletedFailures())) {
                return false;
            }
        }
        return true;
    }

    /** Embeds {@code todo} batch by batch, each committed, adding up where the time went and the failures. */
    private void embed(AltClip clip, IndexProgress progress) throws IOException {
        int[] done = {0};
        long start = System.nanoTime();
        List<ImageInput> inputs = new ArrayList<>(todo.size());
        for (PhotoWalk.Found f : todo) inputs.add(ImageInput.file(root.resolve(f.path())));
        AltClip.Batching batching =
                AltClip.Batching.defaults().withBatch(options.batch()).withDecodeThreads(options.decodeThreads());
        clip.embedAll(inputs, batching, batch -> {
            List<float[]> vectors = new ArrayList<>();
            List<ImageIndex.Entry> entries = new ArrayList<>();
            List<ImageIndex.Failure> failures = new ArrayList<>();
            long nextId = header.nextId();
            for (AltClip.ImageResult r : batch.results()) {
                PhotoWalk.Found f = todo.get(done[0]++);
                if (r.ok()) {
                    vectors.add(r.embedding());
                    String sha = ContentHash.of(root.resolve(f.path()));
                    entries.add(
                            new ImageIndex.Entry(nextId++, f.path(), f.size(), f.mtime(), r.width(), r.height(), sha));
                } else {
                    failures.add(new ImageIndex.Failure(f.path(), f.size(), f.mtime(), reason(r.error())));
                }
            }
            int id = header.nextSegment();
            Segments.write(dir, id, header.store(), header.dim(), vectors, entries, failures);
            List<IndexHeader.SegmentInfo> segments = new ArrayList<>(header.segments());
            segments.add(new IndexHeader.SegmentInfo(id, vectors.size(), failures.size(), new int[0], new int[0]));
            commit(segments, id + 1, nextId);
            decodeWaitSeconds += batch.decodeWaitSeconds();
            towerSeconds += batch.towerSeconds();
            failed += failures.size();
            progress.progress(done[0], todo.size(), failed, done[0] / ((System.nanoTime() - start) / 1e9));
            if (segments.size() >= 2 * MERGE_FAN_IN) mergeSegments();
        });
    }

    /** One line saying why a file could not be embedded (the decoder's message names the file already). */
    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void commit(List<IndexHeader.SegmentInfo> segments, int nextSegment, long nextId) throws IOException {
        header = header.with(segments, nextSegment, nextId);
        header.write(dir);
    }

    /**
     * Merges segments of a similar size (live rows within a factor of 16) once there are 16 of them, and drops
     * segments with nothing live left; repeats until neither applies.
     */
    private void mergeSegments() throws IOException {
        while (true) {
            List<IndexHeader.SegmentInfo> segments = header.segments();
            List<IndexHeader.SegmentInfo> empty = segments.stream()
                    .filter(s -> s.live() == 0 && s.liveFailures() == 0)
                    .toList();
            Map<Integer, List<IndexHeader.SegmentInfo>> tiers = new HashMap<>();
            for (IndexHeader.SegmentInfo s : segments) {
                if (s.live() + s.liveFailures() > 0)
                    tiers.computeIfAbsent(tier(s), k -> new ArrayList<>()).add(s);
            }
            List<IndexHeader.SegmentInfo> group = tiers.values().stream()
                    .filter(g -> g.size() >= MERGE_FAN_IN)
                    .findFirst()
                    .orElse(null);
            if (group == null && empty.isEmpty()) return;
            List<IndexHeader.SegmentInfo> next = new ArrayList<>(segments);
            next.removeAll(empty);
            int nextSegment = header.nextSegment();
            if (group != null) {
                int id = nextSegment++;
                IndexHeader.SegmentInfo merged = merge(group, id);
                int at = next.indexOf(group.get(0));
                next.removeAll(group);
                next.add(at, merged); // rows keep their order
            }
            commit(next, nextSegment, header.nextId());
        }
    }

    private static int tier(IndexHeader.SegmentInfo s) {
        int t = 0;
        for (long n = s.live() + s.liveFailures(); n >= MERGE_FAN_IN; n /= MERGE_FAN_IN) t++;
        return t;
    }

    /** Copies the live rows (stored bytes as they are) and failures of {@code group}, in order, into segment {@code id}. */
    private IndexHeader.SegmentInfo merge(List<IndexHeader.SegmentInfo> group, int id) throws IOException {
        int dim = header.dim(), rowBytes = dim * header.store().bytes();
        long live = group.stream().mapToLong(IndexHeader.SegmentInfo::live).sum();
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(live * rowBytes));
        float[] scales = new float[(int) live];
        List<ImageIndex.Entry> entries = new ArrayList<>();
        List<ImageIndex.Failure> failures = new ArrayList<>();
        for (IndexHeader.SegmentInfo s : group) {
            List<ImageIndex.Entry> e = Segments.entries(dir, s);
            Segments.vectors(dir, s, header.store(), dim, (row, bytes, scale) -> {
                scales[entries.size()] = scale;
                entries.add(e.get(row));
                data.put(bytes);
            });
            List<ImageIndex.Failure> f = Segments.failures(dir, s);
            for (int i = 0; i < f.size(); i++)
                if (Arrays.binarySearch(s.deletedFailures(), i) < 0) failures.add(f.get(i));
        }
        Segments.writeStored(dir, id, header.store(), dim, data.flip(), scales, entries, failures);
        return new IndexHeader.SegmentInfo(id, entries.size(), failures.size(), new int[0], new int[0]);
    }

    /** Deletes segment files that the committed header does not list, and unfinished writes. */
    private void removeUncommittedFiles() throws IOException {
        Set<String> listed = new HashSet<>();
        for (IndexHeader.SegmentInfo s : header.segments()) listed.addAll(Segments.fileNames(s.id()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean ours = n.startsWith("seg-") || (n.startsWith(".") && n.endsWith(".partial"));
                if (ours && !listed.contains(n)) Files.deleteIfExists(f);
            }
        }
    }
}
