package io.github.altclip4j.weights;

import io.github.altclip4j.tensor.FloatTensor;
import io.github.altclip4j.tensor.HalfTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Converts a tensor's little-endian bytes into Java arrays, shared by the safetensors and PyTorch readers. */
final class Elements {
    private Elements() {}

    static FloatTensor toFloat(Path file, TensorEntry e, ByteBuffer b) throws WeightFormatException {
        int n = Math.toIntExact(e.elementCount());
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        switch (e.type()) {
            case F32:
                b.asFloatBuffer().get(out);
                break;
            case F64:
                for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i);
                break;
            case F16:
            case BF16:
                return toHalf(file, e, b).toFloat();
            default:
                throw new WeightFormatException(
                        file, "tensor \"" + e.name() + "\" is " + e.type() + ", not a floating-point type");
        }
        return FloatTensor.wrap(out, e.intShape());
    }

    static HalfTensor toHalf(Path file, TensorEntry e, ByteBuffer b) throws WeightFormatException {
        if (e.type() != StoredType.F16 && e.type() != StoredType.BF16) {
            throw new WeightFormatException(file, "tensor \"" + e.name() + "\" is " + e.type() + ", not F16 or BF16");
        }
        short[] bits = new short[Math.toIntExact(e.elementCount())];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(bits);
        return new HalfTensor(bits, e.type().computeType(), e.intShape());
    }

    static long[] toLongs(Path file, TensorEntry e, ByteBuffer b) throws WeightFormatException {
        int n = Math.toIntExact(e.elementCount());
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        switch (e.type()) {
            case I64:
                b.asLongBuffer().get(out);
                break;
            case I32:
                for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i);
                break;
            case I16:
                for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i);
                break;
            case I8:
                for (int i = 0; i < n; i++) out[i] = b.get(i);
                break;
            case U8:
            case BOOL:
                for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xFF;
                break;
            default:
                throw new WeightFormatException(
                        file, "tensor \"" + e.name() + "\" is " + e.type() + ", not an integer type");
        }
        return out;
    }
}
