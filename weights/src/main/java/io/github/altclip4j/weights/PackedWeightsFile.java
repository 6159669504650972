package io.github.altclip4j.weights;

import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.tensor.DType;
import io.github.altclip4j.tensor.EmbeddingTable;
import io.github.altclip4j.tensor.MappedWeights;
import io.github.altclip4j.tensor.PackedMatrix;
import io.github.altclip4j.weights.PanelsHeader.Entry;
import io.github.altclip4j.weights.PanelsHeader.Key;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The pre-packed weights file: a model's GEMM weights and embedding tables as the kernels read them (packed panels,
 * in the bound type), written once and then memory-mapped read-only by every JVM ({@link MappedWeights}, JDK
 * 22+), so loading is a mapping and N processes share one copy in the page cache instead of holding N in their heaps.
 *
 * <p>It lives in a cache folder ({@link #cacheFolder}), named by a hash of its {@link Key}: the checkpoint (path,
 * size, modification time, CRC-32C of its first MiB, where safetensors keeps its header), the tensors bound, the
 * weight format and the panel layout. Checksums rather than SHA-256: they tell versions of a file apart as well, and
 * a cold JVM computes them without the ~45 ms of starting its crypto provider (a mapped load takes ~0.3 s in all).
 * Layout on disk:
 *
 * <pre>
 *   bytes 0-15   "ALTCLIP4J-PANELS"
 *   bytes 16-19  header length H (little-endian)
 *   bytes 20-23  CRC-32C of the header
 *   bytes 24-31  where the header starts
 *   from 4096:   the regions, each at a multiple of 4096 (what PackedMatrix.writeTo and EmbeddingTable.writeTo wrote)
 *   then:        the header ({@link PanelsHeader}: format version, key, one entry per region with its offset)
 * </pre>
 *
 * The header comes last because the first load writes each region as soon as it is packed and maps it back at once
 * ({@link Writer}): the heap holds the matrices being packed, not the model, and the first JVM runs on mapped weights
 * too.
 *
 * A file that is truncated, fails its checksum, has another version or key, or names a region outside itself is
 * refused with a warning, deleted and written again; it is written atomically, so a reader never maps half of one.
 */
final class PackedWeightsFile {
    private PackedWeightsFile() {}

    static final int VERSION = 1;
    private static final byte[] MAGIC = "ALTCLIP4J-PANELS".getBytes(StandardCharsets.US_ASCII);
    /** Magic, header length, header CRC-32C, header offset. */
    private static final int PREFIX = MAGIC.length + 16;

    private static final int ALIGN = 4096;
    /** The largest header read: a model has a few hundred regions, each entry ~200 bytes. */
    private static final int MAX_HEADER = 16 << 20;
    /** How much of the checkpoint is hashed for the key: safetensors' JSON header is at its start. */
    private static final int HASHED_HEAD = 1 << 20;

    /**
     * Where pre-packed files go: {@code -Daltclip4j.cache}, else {@code $ALTCLIP4J_CACHE}, else
     * {@code $XDG_CACHE_HOME/altclip4j}, else {@code ~/.cache/altclip4j}; null (weights stay in the heap) when that
     * is {@code off} or this JVM cannot map weights.
     */
    static Path cacheFolder() {
        if (!MappedWeights.available()) return null;
        String dir = System.getProperty("altclip4j.cache", System.getenv("ALTCLIP4J_CACHE"));
        if ("off".equals(dir)) return null;
        if (dir != null && !dir.isEmpty()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("altclip4j");
    }

    static Key key(Checkpoint checkpoint, List<String> boundTensors, WeightFormat format) throws IOException {
        Path file = checkpoint.path().toRealPath();
        CRC32C head = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            head.update(in.readNBytes(HASHED_HEAD));
        }
        CRC32C names = new CRC32C();
        for (String n : boundTensors) names.update((n + "\n").getBytes(StandardCharsets.UTF_8));
        return new Key(
                file.toString(),
                Files.size(file),
                Files.getLastModifiedTime(file).toMillis(),
                (int) head.getValue(),
                (int) names.getValue(),
                format,
                PackedMatrix.currentPanelWidth());
    }

    /**
     * The file for {@code key} in {@code folder}, named by two checksums of the key (64 bits; the header holds the key
     * itself, so a collision would only make two models take turns writing the file).
     */
    static Path fileFor(Path folder, Key key) {
        byte[] bytes = key.encode();
        CRC32C c = new CRC32C();
        c.update(bytes);
        CRC32 d = new CRC32();
        d.update(bytes);
        return folder.resolve("panels")
                .resolve(String.format(Locale.ROOT, "%08x%08x.panels", c.getValue(), d.getValue()));
    }

    /**
     * The regions of {@code file} by name, mapped ({@link PackedMatrix} or {@link EmbeddingTable}); null when there
     * is no such file, or it was refused (said to {@code warn}, and deleted so that this load writes it again) or
     * could not be read (said).
     */
    static Map<String, Object> open(Path file, Key key, Consumer<String> warn) throws IOException {
        if (!Files.isRegularFile(file)) return null; // the first load of these weights
        try {
            return read(file, key);
        } catch (WeightFormatException e) {
            warn.accept(e.getMessage() + "; writing it again");
            Files.deleteIfExists(file);
            return null;
        } catch (IOException e) {
            warn.accept("could not read the pre-packed weights " + file + " (" + e.getMessage()
                    + "); loading from the checkpoint");
            return null;
        }
    }

    private static Map<String, Object> read(Path file, Key key) throws IOException {
        Checked checked = readHeader(file);
        PanelsHeader header = checked.header();
        if (!key.equals(header.key())) throw refused(file, "made from another checkpoint, format or layout");
        MappedWeights mapped = MappedWeights.map(file);
        if (mapped.size() != checked.fileSize()) throw refused(file, "changed while being read");
        Map<String, Object> regions = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            long at = e.offset();
            Object region;
            try {
                region = e.embedding()
                        ? mapped.embedding(at, e.rows(), e.cols(), e.dtype())
                        : mapped.matrix(at, e.rows(), e.cols(), e.dtype());
            } catch (IllegalArgumentException bad) {
                throw refused(file, "entry \"" + e.name() + "\": " + bad.getMessage());
            }
            if (bytes(region) != e.bytes())
                throw refused(
                        file,
                        "entry \"" + e.name() + "\" holds " + e.bytes() + " bytes, its shape needs " + bytes(region));
            regions.put(e.name(), region);
        }
        return regions;
    }

    /** A header that passed its checks, and how long the file was when it was read. */
    private record Checked(PanelsHeader header, long fileSize) {}

    /** Reads and checks the header: its length, checksum, fields and version. */
    private static Checked readHeader(Path file) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.LITTLE_ENDIAN);
        byte[] header;
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < PREFIX) throw refused(file, "truncated: " + size + " bytes");
            readFully(ch, prefix, 0);
            byte[] magic = new byte[MAGIC.length];
            prefix.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) throw refused(file, "not a pre-packed weights file");
            long length = Integer.toUnsignedLong(prefix.getInt(MAGIC.length)), at = prefix.getLong(MAGIC.length + 8);
            if (length > MAX_HEADER || at < PREFIX || at > size - length)
                throw refused(file, "header of " + length + " bytes at " + at + " in a file of " + size);
            ByteBuffer h = ByteBuffer.allocate((int) length);
            readFully(ch, h, at);
            header = h.array();
        }
        CRC32C crc = new CRC32C();
        crc.update(header);
        if ((int) crc.getValue() != prefix.getInt(MAGIC.length + 4)) throw refused(file, "header checksum mismatch");
        PanelsHeader parsed;
        try {
            parsed = PanelsHeader.decode(header);
        } catch (IllegalArgumentException e) {
            throw refused(file, "unreadable header: " + e.getMessage());
        }
        if (parsed.version() != VERSION)
            throw refused(file, "format version " + parsed.version() + " (this build reads " + VERSION + ")");
        return new Checked(parsed, size);
    }

    /**
     * Writes the pre-packed file while a model loads: each matrix or table is written as soon as it is packed and
     * mapped back from the file at once, so the caller drops its heap copy; {@link #finish} adds the header and puts
     * the file in place. A failure part-way (no room left, an I/O error) is said once; from then on {@link #add} hands
     * back the heap copies, and {@link #close} deletes the partial file (the regions mapped already stay readable).
     */
    static final class Writer implements AutoCloseable {
        private final Path file;
        private final Key key;
        private final AtomicFile.Pending pending;
        private final Consumer<String> warn;
        private final List<Entry> entries = new ArrayList<>();
        private final long started = System.nanoTime();
        private long end = ALIGN;
        private boolean failed;

        private Writer(Path file, Key key, AtomicFile.Pending pending, Consumer<String> warn) {
            this.file = file;
            this.key = key;
            this.pending = pending;
            this.warn = warn;
        }

        /**
         * Starts {@code file} for {@code key}, or says why not to {@code warn} and returns null (the weights then stay
         * in the heap): the folder cannot be made or written, or has less free space than {@code bytes} (the weights'
         * size) and a margin.
         */
        static Writer start(Path file, Key key, long bytes, Consumer<String> warn) {
            try {
                Files.createDirectories(file.getParent());
                removeLeftovers(file.getParent(), key);
                long free = Files.getFileStore(file.getParent()).getUsableSpace();
                if (free < bytes + (64L << 20)) {
                    warn.accept(String.format(
                            Locale.ROOT,
                            "not writing the pre-packed weights (%.1f GB) to %s: %.1f GB free there; the weights stay"
                                    + " in the Java heap (set ALTCLIP4J_CACHE to another folder, or to off)",
                            bytes / 1e9,
                            file.getParent(),
                            free / 1e9));
                    return null;
                }
                return new Writer(file, key, AtomicFile.create(file), warn);
            } catch (IOException e) {
                warn.accept(cannotWrite(file, e));
                return null;
            }
        }

        /** Whether a write failed (the weights added since are the heap copies). */
        synchronized boolean failed() {
            return failed;
        }

        /** Writes {@code m} under {@code name}; returns it mapped from the file (or {@code m} after a failure). */
        synchronized PackedMatrix add(String name, PackedMatrix m) {
            MappedWeights region =
                    write(name, false, m.dtype(), m.outFeatures(), m.inFeatures(), m.bytes(), m::writeTo);
            return region == null ? m : region.matrix(0, m.outFeatures(), m.inFeatures(), m.dtype());
        }

        /** The same for an embedding table. */
        synchronized EmbeddingTable add(String name, EmbeddingTable t) {
            MappedWeights region = write(name, true, t.dtype(), t.rows(), t.cols(), t.bytes(), t::writeTo);
            return region == null ? t : region.embedding(0, t.rows(), t.cols(), t.dtype());
        }

        @FunctionalInterface
        private interface Bytes {
            void writeTo(FileChannel out) throws IOException;
        }

        private MappedWeights write(
                String name, boolean embedding, DType dtype, int rows, int cols, long bytes, Bytes b) {
            if (failed) return null;
            try {
                FileChannel ch = pending.channel();
                ch.position(end);
                b.writeTo(ch);
                if (ch.position() != end + bytes)
                    throw new IOException(name + ": wrote " + (ch.position() - end) + " bytes, expected " + bytes);
                entries.add(new Entry(name, embedding, dtype, rows, cols, end, bytes));
                MappedWeights region = MappedWeights.map(ch, end, bytes);
                end = align(end + bytes);
                return region;
            } catch (IOException e) {
                failed = true;
                warn.accept(cannotWrite(file, e));
                return null;
            }
        }

        /** Adds the header and prefix, forces the file to disk and renames it into place (unless a write failed). */
        synchronized void finish(WeightBinder.Progress progress) {
            if (failed) return;
            try {
                byte[] header = new PanelsHeader(VERSION, key, entries).encode();
                CRC32C crc = new CRC32C();
                crc.update(header);
                FileChannel ch = pending.channel();
                ch.position(end);
                AtomicFile.writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.LITTLE_ENDIAN);
                prefix.put(MAGIC)
                        .putInt(header.length)
                        .putInt((int) crc.getValue())
                        .putLong(end)
                        .flip();
                ch.position(0);
                AtomicFile.writeFully(ch, prefix);
                pending.commit();
                progress.packedFileWritten(file, end + header.length, (System.nanoTime() - started) / 1e9);
            } catch (IOException e) {
                failed = true;
                warn.accept(cannotWrite(file, e));
            }
        }

        /** Deletes the partial file unless {@link #finish} put it in place. */
        @Override
        public void close() throws IOException {
            pending.close();
        }
    }

    private static String cannotWrite(Path file, IOException e) {
        return "could not write the pre-packed weights " + file + " (" + e.getMessage()
                + "); the weights stay in the Java heap";
    }

    /**
     * Deletes what would otherwise fill the cache folder for good: files for an earlier state of the same checkpoint
     * (same path, tensors, format and layout; it was replaced or touched since), and the partial files of writers that
     * were killed (AtomicFile names them {@code .NAME.PID.NANOS.partial}).
     */
    private static void removeLeftovers(Path folder, Key key) throws IOException {
        try (var files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".partial")) {
                    String[] parts = name.split("\\.");
                    long pid = parts.length > 3 ? parseOrMinusOne(parts[parts.length - 3]) : -1;
                    if (pid > 0 && ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(f);
                } else if (name.endsWith(".panels")) {
                    Key other = keyOf(f);
                    if (other != null && !other.equals(key) && sameSource(other, key)) Files.deleteIfExists(f);
                }
            }
        }
    }

    private static boolean sameSource(Key a, Key b) {
        return a.checkpoint().equals(b.checkpoint())
                && a.tensorsCrc32c() == b.tensorsCrc32c()
                && a.weights() == b.weights()
                && a.panelWidth() == b.panelWidth();
    }

    /** The key a file was written for, or null if it is not a readable pre-packed file. */
    private static Key keyOf(Path file) {
        try {
            return readHeader(file).header().key();
        } catch (IOException e) {
            return null;
        }
    }

    private static long parseOrMinusOne(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long bytes(Object region) {
        return region instanceof EmbeddingTable t ? t.bytes() : ((PackedMatrix) region).bytes();
    }

    private static long align(long offset) {
        return (offset + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new EOFException();
        }
        b.flip();
    }

    private static WeightFormatException refused(Path file, String why) {
        return new WeightFormatException(file, "pre-packed weights refused: " + why);
    }
}
