package io.github.altclip4j.weights;

import java.io.IOException;
import java.util.Arrays;

/**
 * How int8 weights are stored in a safetensors file ({@code altclip convert --dtype int8}, docs/formats.md): a weight
 * {@code NAME} of shape {@code [out, ...]} becomes {@code NAME} as I8 with the same shape, holding
 * {@code q = rint(w / s)} row by row (a row is everything after the first dimension), plus {@code NAME_scale} as F32
 * of shape {@code [out]} holding each row's {@code s = max|row| / 127} ({@code io.github.altclip4j.tensor.Int8}).
 * The value stored for element (r, i) is {@code NAME_scale[r] * NAME[r, i]}.
 */
public final class Int8Layout {
    private Int8Layout() {}

    /** Appended to a weight's name to name its scales. */
    public static final String SCALE_SUFFIX = "_scale";

    /** The scale tensor's name for a quantised weight. */
    public static String scaleName(String weight) {
        return weight + SCALE_SUFFIX;
    }

    /** Whether {@code e} is an int8 weight with its scale tensor of the right shape beside it. */
    static boolean isQuantized(Checkpoint c, TensorEntry e) {
        if (e.type() != StoredType.I8 || e.shape().length == 0) return false;
        TensorEntry s = c.tensors().get(scaleName(e.name()));
        return s != null && s.type() == StoredType.F32 && Arrays.equals(s.shape(), new long[] {e.shape()[0]});
    }

    /**
     * Streams a floating-point tensor as float32 rows (see {@link Checkpoint#readFloatRows}); an int8 weight comes
     * dequantised ({@code scale[r] * q}).
     */
    static void readFloatRows(Checkpoint c, TensorEntry e, int rowLength, Checkpoint.FloatRows sink)
            throws IOException {
        if (!isQuantized(c, e)) {
            c.readFloatRows(e.name(), rowLength, sink);
            return;
        }
        float[] scales = c.readFloat(scaleName(e.name())).data();
        c.readByteRows(e.name(), rowLength, (q, off, firstRow, n) -> {
            float[] rows = new float[n * rowLength];
            for (int r = 0; r < n; r++) {
                float scale = scales[firstRow + r];
                for (int i = 0; i < rowLength; i++) rows[r * rowLength + i] = scale * q[off + r * rowLength + i];
            }
            sink.accept(rows, 0, firstRow, n);
        });
    }

    /** Elements per row (all dimensions after the first). */
    static int rowLength(TensorEntry e) {
        long[] shape = e.shape();
        long n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return Math.toIntExact(n);
    }
}
