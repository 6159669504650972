package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.DType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a pre-packed weights file ({@link PackedWeightsFile}): a little-endian table, not JSON, because a
 * cold JVM binds a JSON document to records in ~100 ms (reflection, once), a third of the load it describes. Strings
 * are a u16 length and UTF-8 bytes; the layout is listed in docs/formats.md.
 *
 * <pre>
 *   u32 version
 *   key:    str checkpoint, i64 size, i64 modified, u32 head CRC-32C, u32 tensors CRC-32C, str weights, u32 panel width
 *   u32 entry count, then per entry:
 *           str name, u8 embedding (0 or 1), u8 dtype (0 F32, 1 F16, 2 BF16, 3 I8), u32 rows, u32 cols, i64 offset,
 *           i64 bytes
 * </pre>
 */
record PanelsHeader(int version, Key key, List<Entry> entries) {

    /** What the file was made from: it is used only for exactly this. */
    record Key(
            String checkpoint,
            long size,
            long modified,
            int headCrc32c,
            int tensorsCrc32c,
            WeightFormat weights,
            int panelWidth) {

        byte[] encode() {
            ByteBuffer b = buffer(64 + 3 * checkpoint.length() + weights.name().length());
            putKey(b, this);
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /** One matrix ({@code rows} = outputs, {@code cols} = inputs) or embedding table, at {@code offset} from the data. */
    record Entry(String name, boolean embedding, DType dtype, int rows, int cols, long offset, long bytes) {}

    /** The smallest encoded entry (an empty name): what bounds the entry count a header may claim. */
    private static final int MIN_ENTRY = 2 + 1 + 1 + 4 + 4 + 8 + 8;

    private static final DType[] DTYPES = {DType.F32, DType.F16, DType.BF16, DType.I8};

    byte[] encode() {
        int size = 128 + 3 * key.checkpoint().length();
        for (Entry e : entries) size += MIN_ENTRY + 3 * e.name().length();
        ByteBuffer b = buffer(size);
        b.putInt(version);
        putKey(b, key);
        b.putInt(entries.size());
        for (Entry e : entries) {
            putString(b, e.name());
            b.put((byte) (e.embedding() ? 1 : 0)).put((byte) code(e.dtype()));
            b.putInt(e.rows()).putInt(e.cols()).putLong(e.offset()).putLong(e.bytes());
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** The header in {@code bytes}; an {@link IllegalArgumentException} says what is wrong and where. */
    static PanelsHeader decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String at = "the version";
        try {
            int version = b.getInt();
            at = "the key";
            Key key = new Key(
                    string(b),
                    b.getLong(),
                    b.getLong(),
                    b.getInt(),
                    b.getInt(),
                    WeightFormat.valueOf(string(b)),
                    b.getInt());
            at = "the entry count";
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / MIN_ENTRY)
                throw new IllegalArgumentException(count + " entries in " + b.remaining() + " bytes");
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                at = "entry " + i;
                String name = string(b);
                int embedding = b.get(), dtype = b.get();
                if (embedding != 0 && embedding != 1 || dtype < 0 || dtype >= DTYPES.length)
                    throw new IllegalArgumentException("flags " + embedding + ", dtype " + dtype);
                Entry e = new Entry(
                        name, embedding == 1, DTYPES[dtype], b.getInt(), b.getInt(), b.getLong(), b.getLong());
                if (e.rows() < 0 || e.cols() < 0 || e.offset() < 0 || e.bytes() < 0)
                    throw new IllegalArgumentException("negative size or offset: " + e);
                entries.add(e);
            }
            if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " bytes after the last entry");
            return new PanelsHeader(version, key, entries);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the header ends inside " + at);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage());
        }
    }

    private static int code(DType t) {
        for (int i = 0; i < DTYPES.length; i++) if (DTYPES[i] == t) return i;
        throw new IllegalArgumentException(t.toString());
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putKey(ByteBuffer b, Key k) {
        putString(b, k.checkpoint());
        b.putLong(k.size()).putLong(k.modified()).putInt(k.headCrc32c()).putInt(k.tensorsCrc32c());
        putString(b, k.weights().name());
        b.putInt(k.panelWidth());
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) throw new IllegalArgumentException("a name of " + utf8.length + " bytes");
        b.putShort((short) utf8.length).put(utf8);
    }

    private static String string(ByteBuffer b) {
        int length = Short.toUnsignedInt(b.getShort());
        if (length > b.remaining()) throw new BufferUnderflowException();
        ByteBuffer utf8 = b.slice(b.position(), length);
        b.position(b.position() + length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(utf8)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string that is not UTF-8");
        }
    }
}
