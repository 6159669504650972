package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.Half;
import io.github.altclip4j.tensor.Int8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code altclip convert}: any checkpoint to safetensors, floating-point tensors stored as F32, F16 or BF16
 * (rounded to nearest even, as PyTorch's {@code .to(dtype)}), integer tensors unchanged; optionally some weights as
 * int8 ({@link Int8Layout}). An int8 checkpoint is read dequantised. One tensor is held at a time.
 */
public final class Conversion {
    private Conversion() {}

    /** Every floating-point tensor as {@code floatType}. */
    public static void toSafetensors(Checkpoint in, Path out, StoredType floatType) throws IOException {
        toSafetensors(in, out, floatType, Set.of());
    }

    /** The same, but the tensors named in {@code int8} are quantised row by row ({@link Int8Layout}). */
    public static void toSafetensors(Checkpoint in, Path out, StoredType floatType, Set<String> int8)
            throws IOException {
        if (floatType != StoredType.F32 && floatType != StoredType.F16 && floatType != StoredType.BF16) {
            throw new IllegalArgumentException("convert writes F32, F16 or BF16, not " + floatType);
        }
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        if (!int8.isEmpty())
            w.metadata(
                    "quantization", "int8, symmetric per row: NAME (I8) * NAME" + Int8Layout.SCALE_SUFFIX + " (F32)");
        Set<String> scalesOfInput = new HashSet<>();
        for (TensorEntry t : in.tensors().values()) {
            if (Int8Layout.isQuantized(in, t)) scalesOfInput.add(Int8Layout.scaleName(t.name()));
        }
        for (Map.Entry<String, TensorEntry> e : in.tensors().entrySet()) {
            TensorEntry t = e.getValue();
            String name = e.getKey();
            if (scalesOfInput.contains(name)) continue; // read together with its weight
            boolean quantized = Int8Layout.isQuantized(in, t);
            if (!t.type().isFloatingPoint() && !quantized) {
                w.add(name, StoredType.I64, t.shape(), 8 * t.elementCount(), () -> {
                    long[] v = in.readLongs(name);
                    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asLongBuffer().put(v);
                    return b;
                });
                continue;
            }
            if (int8.contains(name) && t.shape().length >= 1) {
                long rows = t.shape()[0];
                w.add(name, StoredType.I8, t.shape(), t.elementCount(), () -> quantize(in, t, false));
                w.add(
                        Int8Layout.scaleName(name),
                        StoredType.F32,
                        new long[] {rows},
                        4 * rows,
                        () -> quantize(in, t, true));
                continue;
            }
            w.add(
                    name,
                    floatType,
                    t.shape(),
                    floatType.bytes() * t.elementCount(),
                    () -> encode(in, name, t, floatType));
        }
        w.write(out);
    }

    /** A tensor's int8 rows ({@code scales} false) or their scales, as little-endian bytes. */
    private static ByteBuffer quantize(Checkpoint in, TensorEntry t, boolean scales) throws IOException {
        int row = Int8Layout.rowLength(t), rows = Math.toIntExact(t.shape()[0]);
        ByteBuffer b = ByteBuffer.allocate(scales ? 4 * rows : Math.toIntExact(t.elementCount()))
                .order(ByteOrder.LITTLE_ENDIAN);
        Int8Layout.readFloatRows(in, t, row, (data, off, firstRow, n) -> {
            byte[] q = new byte[row];
            for (int r = 0; r < n; r++) {
                float scale = Int8.quantizeRow(data, off + r * row, row, q, 0);
                if (scales) b.putFloat(4 * (firstRow + r), scale);
                else b.put((firstRow + r) * row, q);
            }
        });
        return b;
    }

    private static ByteBuffer encode(Checkpoint in, String name, TensorEntry t, StoredType to) throws IOException {
        boolean sameHalf = t.type() == to && (to == StoredType.F16 || to == StoredType.BF16);
        if (sameHalf) {
            short[] bits = in.readHalf(name).bits();
            ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(bits);
            return b;
        }
        float[] v = new float[Math.toIntExact(t.elementCount())];
        int row = Math.max(1, t.shape().length == 0 ? 1 : Int8Layout.rowLength(t));
        Int8Layout.readFloatRows(
                in, t, row, (data, off, firstRow, n) -> System.arraycopy(data, off, v, firstRow * row, n * row));
        ByteBuffer b = ByteBuffer.allocate(to.bytes() * v.length).order(ByteOrder.LITTLE_ENDIAN);
        if (to == StoredType.F32) {
            b.asFloatBuffer().put(v);
        } else {
            for (int i = 0; i < v.length; i++)
                b.putShort(2 * i, to == StoredType.BF16 ? Half.floatToBf16(v[i]) : Half.floatToF16(v[i]));
        }
        return b;
    }
}
