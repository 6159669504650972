package io.github.altclip4j.weights;

import io.github.altclip4j.formats.AtomicFile;
import io.github.altclip4j.formats.Json;
import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file: tensors are added in the order they will be stored, then {@link #write} puts the
 * header (padded with spaces to a multiple of 8 bytes, as the reference writer does) and the data. A tensor may be
 * added as a {@link Source} that produces its bytes only when written, so converting a multi-gigabyte checkpoint
 * holds one tensor at a time. The file is written with {@link AtomicFile}, so a failed write never leaves half a file
 * under the name.
 */
public final class SafetensorsWriter {
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();

    /** Produces a tensor's little-endian bytes when the file is written. */
    @FunctionalInterface
    public interface Source {
        ByteBuffer bytes() throws IOException;
    }

    private record Pending(String name, StoredType type, long[] shape, long byteLength, Source source) {}

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter add(String name, FloatTensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data(), t.offset(), t.size());
        return add(name, StoredType.F32, toLongs(t.shape()), b);
    }

    public SafetensorsWriter add(String name, HalfTensor t) {
        ByteBuffer b = ByteBuffer.allocate(2 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(t.bits());
        return add(name, StoredType.of(t.dtype()), toLongs(t.shape()), b);
    }

    public SafetensorsWriter addLongs(String name, long[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return add(name, StoredType.I64, toLongs(shape), b);
    }

    /** Adds raw little-endian bytes of the given type and shape (their size must match). */
    public SafetensorsWriter add(String name, StoredType type, long[] shape, ByteBuffer littleEndianBytes) {
        ByteBuffer copy = littleEndianBytes.duplicate();
        return add(name, type, shape, copy.remaining(), copy::duplicate);
    }

    /** Adds a tensor whose {@code byteLength} bytes {@code source} produces at write time. */
    public SafetensorsWriter add(String name, StoredType type, long[] shape, long byteLength, Source source) {
        if (name.equals("__metadata__")) throw new IllegalArgumentException("\"__metadata__\" is not a tensor name");
        for (Pending p : tensors)
            if (p.name.equals(name)) throw new IllegalArgumentException("duplicate tensor \"" + name + "\"");
        long count = TensorEntry.elementCount(shape);
        if (count < 0 || count * type.bytes() != byteLength) {
            throw new IllegalArgumentException("tensor \"" + name + "\": " + byteLength + " bytes for shape "
                    + Arrays.toString(shape) + " of " + type);
        }
        tensors.add(new Pending(name, type, shape.clone(), byteLength, source));
        return this;
    }

    private static long[] toLongs(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return s;
    }

    public void write(Path target) throws IOException {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            int i = 0;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (i++ > 0) h.append(',');
                h.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            }
            h.append('}');
        }
        long offset = 0;
        for (Pending p : tensors) {
            if (h.length() > 1) h.append(',');
            h.append(Json.quote(p.name)).append(":{\"dtype\":\"").append(p.type).append("\",\"shape\":[");
            for (int i = 0; i < p.shape.length; i++) h.append(i > 0 ? "," : "").append(p.shape[i]);
            long end = offset + p.byteLength;
            h.append("],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(end)
                    .append("]}");
            offset = end;
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFile.write(target, ch -> {
            AtomicFile.writeFully(ch, head);
            for (Pending p : tensors) {
                ByteBuffer data = p.source.bytes();
                if (data.remaining() != p.byteLength) {
                    throw new IOException(
                            "tensor \"" + p.name + "\" produced " + data.remaining() + " bytes, not " + p.byteLength);
                }
                AtomicFile.writeFully(ch, data);
            }
        });
    }
}
