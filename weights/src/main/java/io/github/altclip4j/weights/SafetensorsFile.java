package io.github.altclip4j.weights;

import io.github.altclip4j.formats.Json;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import io.github.altclip4j.tensor.ThreadPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: {@code [u64 little-endian header length N][N bytes of UTF-8 JSON header][data]}. The header
 * maps tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data
 * section) plus an optional {@code "__metadata__"} object of strings.
 *
 * <p>{@link #open} checks the whole header against the file before anything is allocated from it: header length
 * within the file and under {@value #MAX_HEADER_BYTES} bytes, strict UTF-8 JSON without duplicate keys, known
 * dtypes, non-negative shapes whose byte size equals {@code end - begin}, offsets inside the data section and not
 * overlapping. Tensors are then read one at a time through a memory map of just their bytes, so files larger than
 * 2 GiB work and no second copy of the file is ever held.
 */
public final class SafetensorsFile implements Checkpoint {
    /** The safetensors format's own limit on the header (100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path path, FileChannel channel, Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return parse(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8)
            throw new WeightFormatException(
                    path, "file of " + fileSize + " bytes is too short for a safetensors header");
        ByteBuffer lenBuf = readFully(ch, 0, 8, path);
        long headerLen = lenBuf.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLen < 0 || headerLen > fileSize - 8) {
            throw new WeightFormatException(
                    path,
                    "header length " + Long.toUnsignedString(headerLen) + " exceeds the file size of " + fileSize
                            + " bytes (truncated or not a safetensors file)");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new WeightFormatException(
                    path, "header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES);
        }
        byte[] headerBytes = new byte[(int) headerLen];
        readFully(ch, 8, (int) headerLen, path).get(headerBytes);
        Object header;
        try {
            header = Json.parse(headerBytes);
        } catch (Json.JsonException e) {
            throw new WeightFormatException(path, "bad JSON header: " + e.getMessage());
        }
        if (!(header instanceof Map)) throw new WeightFormatException(path, "JSON header is not an object");
        long dataStart = 8 + headerLen, dataSize = fileSize - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorEntry> list = new ArrayList<>();
        for (Map.Entry<String, Object> e : asMap(header).entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                if (!(e.getValue() instanceof Map))
                    throw new WeightFormatException(path, "__metadata__ is not an object");
                for (Map.Entry<String, Object> m : asMap(e.getValue()).entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw new WeightFormatException(
                                path, "__metadata__ field \"" + m.getKey() + "\" is not a string");
                    }
                    metadata.put(m.getKey(), (String) m.getValue());
                }
                continue;
            }
            list.add(entry(path, e.getKey(), e.getValue(), dataStart, dataSize));
        }
        // Offsets in order of position: each tensor must start at or after the previous one's end.
        List<TensorEntry> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(TensorEntry::offset).thenComparingLong(TensorEntry::byteLength));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorEntry prev = byOffset.get(i - 1), cur = byOffset.get(i);
            if (cur.offset() < prev.offset() + prev.byteLength()) {
                throw new WeightFormatException(
                        path, "tensor \"" + cur.name() + "\" overlaps tensor \"" + prev.name() + "\"");
            }
        }
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (TensorEntry t : list) tensors.put(t.name(), t);
        return new SafetensorsFile(
                path, ch, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorEntry entry(Path path, String name, Object value, long dataStart, long dataSize)
            throws WeightFormatException {
        String where = "tensor \"" + name + "\"";
        if (!(value instanceof Map)) throw new WeightFormatException(path, where + ": header entry is not an object");
        Map<String, Object> m = asMap(value);
        for (String key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new WeightFormatException(path, where + ": unknown field \"" + key + "\"");
            }
        }
        Object dtype = m.get("dtype");
        if (!(dtype instanceof String))
            throw new WeightFormatException(path, where + ": missing or non-string \"dtype\"");
        StoredType type = StoredType.forName((String) dtype);
        if (type == null) throw new WeightFormatException(path, where + ": unsupported dtype \"" + dtype + "\"");
        long[] shape = longs(path, where, "shape", m.get("shape"), -1);
        for (long d : shape) {
            if (d > Integer.MAX_VALUE)
                throw new WeightFormatException(path, where + ": dimension " + d + " is too large");
        }
        long[] offsets = longs(path, where, "data_offsets", m.get("data_offsets"), 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataSize) {
            throw new WeightFormatException(
                    path,
                    where + ": data_offsets [" + begin + ", " + end + "] outside the data section of " + dataSize
                            + " bytes");
        }
        long count = TensorEntry.elementCount(shape);
        if (count < 0 || count > TensorEntry.MAX_ELEMENTS) {
            throw new WeightFormatException(path, where + ": shape " + Arrays.toString(shape) + " is too large");
        }
        if (count * type.bytes() != end - begin) {
            throw new WeightFormatException(
                    path,
                    where + ": shape " + Arrays.toString(shape) + " of " + type + " needs " + count * type.bytes()
                            + " bytes, data_offsets give " + (end - begin));
        }
        return new TensorEntry(name, type, shape, dataStart + begin, end - begin);
    }

    private static long[] longs(Path path, String where, String field, Object v, int requiredLength)
            throws WeightFormatException {
        if (!(v instanceof List))
            throw new WeightFormatException(path, where + ": missing or non-array \"" + field + "\"");
        List<?> list = (List<?>) v;
        if (requiredLength >= 0 && list.size() != requiredLength) {
            throw new WeightFormatException(
                    path, where + ": \"" + field + "\" must have " + requiredLength + " entries");
        }
        if (list.size() > 64) throw new WeightFormatException(path, where + ": \"" + field + "\" has too many entries");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = list.get(i);
            if (!(x instanceof Long) || (Long) x < 0) {
                throw new WeightFormatException(
                        path, where + ": \"" + field + "\" entry " + i + " is not a non-negative integer");
            }
            out[i] = (Long) x;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length, Path path) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            int n = ch.read(b, position + b.position());
            if (n < 0)
                throw new WeightFormatException(path, "unexpected end of file at byte " + (position + b.position()));
        }
        return b.flip();
    }

    @Override
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor, in header order. */
    @Override
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    public TensorEntry entry(String name) throws WeightFormatException {
        TensorEntry e = tensors.get(name);
        if (e == null) throw new WeightFormatException(path, "no tensor \"" + name + "\"");
        return e;
    }

    /** The tensor's raw little-endian bytes, as a read-only memory map of just that range. */
    public ByteBuffer bytes(TensorEntry e) throws IOException {
        if (e.byteLength() == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        return channel.map(FileChannel.MapMode.READ_ONLY, e.offset(), e.byteLength())
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a floating-point tensor as float32 (F16/BF16 widened exactly, F64 rounded to nearest). */
    @Override
    public FloatTensor readFloat(String name) throws IOException {
        TensorEntry e = entry(name);
        if (e.type() == StoredType.F16 || e.type() == StoredType.BF16)
            return readHalf(name).toFloat();
        if (e.type() != StoredType.F32) return Elements.toFloat(path, e, bytes(e));
        float[] out = new float[Math.toIntExact(e.elementCount())];
        readChunks(e, 4, (chunk, at) -> chunk.asFloatBuffer().get(out, (int) (at / 4), chunk.remaining() / 4));
        return FloatTensor.wrap(out, e.intShape());
    }

    /** Reads an F16 or BF16 tensor keeping its 16-bit values. */
    @Override
    public HalfTensor readHalf(String name) throws IOException {
        TensorEntry e = entry(name);
        if (e.type() != StoredType.F16 && e.type() != StoredType.BF16) return Elements.toHalf(path, e, bytes(e));
        short[] out = new short[Math.toIntExact(e.elementCount())];
        readChunks(e, 2, (chunk, at) -> chunk.asShortBuffer().get(out, (int) (at / 2), chunk.remaining() / 2));
        return new HalfTensor(out, e.type().computeType(), e.intShape());
    }

    @Override
    public void readFloatRows(String name, int rowLength, FloatRows sink) throws IOException {
        TensorEntry e = entry(name);
        if (e.type() != StoredType.F32) {
            Checkpoint.super.readFloatRows(name, rowLength, sink);
            return;
        }
        int rowBytes = 4 * rowLength;
        readChunks(e, rowBytes, (chunk, at) -> {
            int n = chunk.remaining() / 4;
            float[] rows = FLOAT_ROWS.get();
            if (rows.length < n) FLOAT_ROWS.set(rows = new float[n]);
            chunk.asFloatBuffer().get(rows, 0, n);
            sink.accept(rows, 0, (int) (at / rowBytes), n / rowLength);
        });
    }

    @Override
    public void readHalfRows(String name, int rowLength, HalfRows sink) throws IOException {
        TensorEntry e = entry(name);
        if (e.type() != StoredType.F16 && e.type() != StoredType.BF16) {
            Checkpoint.super.readHalfRows(name, rowLength, sink);
            return;
        }
        int rowBytes = 2 * rowLength;
        readChunks(e, rowBytes, (chunk, at) -> {
            int n = chunk.remaining() / 2;
            short[] rows = HALF_ROWS.get();
            if (rows.length < n) HALF_ROWS.set(rows = new short[n]);
            chunk.asShortBuffer().get(rows, 0, n);
            sink.accept(rows, 0, (int) (at / rowBytes), n / rowLength);
        });
    }

    @Override
    public void readByteRows(String name, int rowLength, ByteRows sink) throws IOException {
        TensorEntry e = entry(name);
        if (e.type() != StoredType.I8)
            throw new WeightFormatException(path, "tensor \"" + name + "\" is " + e.type() + ", not I8");
        readChunks(e, rowLength, (chunk, at) -> {
            int n = chunk.remaining();
            byte[] rows = BYTE_ROWS.get();
            if (rows.length < n) BYTE_ROWS.set(rows = new byte[n]);
            chunk.get(rows, 0, n);
            sink.accept(rows, 0, (int) (at / rowLength), n / rowLength);
        });
    }

    private interface ChunkSink {
        void accept(ByteBuffer chunk, long offsetInTensor);
    }

    /** Bytes per read: large enough for few system calls, small enough to stay in cache while copied out. */
    private static final int CHUNK = 4 << 20;
    /**
     * Reused row buffers, one per reading thread, so streaming a checkpoint leaves no garbage behind (every fresh page
     * a JVM touches stays resident).
     */
    private static final ThreadLocal<float[]> FLOAT_ROWS = ThreadLocal.withInitial(() -> new float[CHUNK / 4]);

    private static final ThreadLocal<short[]> HALF_ROWS = ThreadLocal.withInitial(() -> new short[CHUNK / 2]);
    private static final ThreadLocal<byte[]> BYTE_ROWS = ThreadLocal.withInitial(() -> new byte[CHUNK]);
    private static final ThreadLocal<ByteBuffer> CHUNKS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN));

    /**
     * Streams a tensor's bytes through per-thread direct buffers with positional reads: the kernel copies from the
     * page cache, with none of the page faults (and none of the resident mapped pages) of a memory map. Every chunk
     * holds a whole number of {@code unit}-byte records (elements, or rows), at most {@link #CHUNK} bytes if a record
     * fits. The chunks are read on the shared thread pool, so {@code sink} is called concurrently, for disjoint
     * ranges: a load is mostly the kernel's copies and the page faults of the memory the values land in, and both run
     * in parallel on all cores.
     */
    private void readChunks(TensorEntry e, int unit, ChunkSink sink) throws IOException {
        if (e.byteLength() % unit != 0) {
            throw new WeightFormatException(
                    path, "tensor \"" + e.name() + "\": " + e.byteLength() + " bytes are not whole rows of " + unit);
        }
        int chunkBytes = Math.max(1, CHUNK / unit) * unit;
        long chunks = (e.byteLength() + chunkBytes - 1) / chunkBytes;
        if (chunks > Integer.MAX_VALUE)
            throw new WeightFormatException(path, "tensor \"" + e.name() + "\" is too large");
        try {
            ThreadPool.shared().parallelFor((int) chunks, i -> {
                long done = (long) i * chunkBytes;
                int n = (int) Math.min(chunkBytes, e.byteLength() - done);
                ByteBuffer buf = chunkBytes <= CHUNK
                        ? CHUNKS.get()
                        : ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
                buf.clear().limit(n);
                try {
                    while (buf.hasRemaining()) {
                        if (channel.read(buf, e.offset() + done + buf.position()) < 0) {
                            throw new WeightFormatException(
                                    path, "tensor \"" + e.name() + "\": file ends inside its data");
                        }
                    }
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
                sink.accept(buf.flip(), done);
            });
        } catch (UncheckedIOException x) {
            throw x.getCause();
        }
    }

    /** Reads an integer tensor (I64, I32, I16, I8, U8, BOOL) as longs. */
    @Override
    public long[] readLongs(String name) throws IOException {
        TensorEntry e = entry(name);
        return Elements.toLongs(path, e, bytes(e));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
