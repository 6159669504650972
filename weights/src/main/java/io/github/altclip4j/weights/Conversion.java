package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code altclip convert}: any checkpoint to safetensors, floating-point tensors stored as F32, F16 or BF16
 * (rounded to nearest even, as PyTorch's {@code .to(dtype)}), integer tensors unchanged. One tensor is held at a time.
 */
public final class Conversion {
    private Conversion() {}

    public static void toSafetensors(Checkpoint in, Path out, StoredType floatType) throws IOException {
        if (floatType != StoredType.F32 && floatType != StoredType.F16 && floatType != StoredType.BF16) {
            throw new IllegalArgumentException("convert writes F32, F16 or BF16, not " + floatType);
        }
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, TensorEntry> e : in.tensors().entrySet()) {
            TensorEntry t = e.getValue();
            String name = e.getKey();
            if (!t.type().isFloatingPoint()) {
                w.add(name, StoredType.I64, t.shape(), 8 * t.elementCount(), () -> {
                    long[] v = in.readLongs(name);
                    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asLongBuffer().put(v);
                    return b;
                });
                continue;
            }
            w.add(name, floatType, t.shape(), floatType.bytes() * t.elementCount(), () -> encode(in, name, t, floatType));
        }
        w.write(out);
    }

    private static ByteBuffer encode(Checkpoint in, String name, TensorEntry t, StoredType to) throws IOException {
        boolean sameHalf = t.type() == to && (to == StoredType.F16 || to == StoredType.BF16);
        if (sameHalf) {
            short[] bits = in.readHalf(name).bits();
            ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(bits);
            return b;
        }
        FloatTensor f = in.readFloat(name);
        float[] v = f.data();
        ByteBuffer b = ByteBuffer.allocate(to.bytes() * v.length).order(ByteOrder.LITTLE_ENDIAN);
        if (to == StoredType.F32) {
            b.asFloatBuffer().put(v);
        } else {
            for (int i = 0; i < v.length; i++) b.putShort(2 * i, to == StoredType.BF16 ? Half.floatToBf16(v[i]) : Half.floatToF16(v[i]));
        }
        return b;
    }
}
