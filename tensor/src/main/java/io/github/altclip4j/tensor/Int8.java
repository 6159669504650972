package io.github.altclip4j.tensor;

/**
 * Symmetric int8 quantisation of weight rows (weight-only: activations stay float32). A row {@code w} of one output
 * is stored as {@code q[i] = rint(w[i] / s)} with {@code s = max|w| / 127}, so {@code q} is in [-127, 127] and
 * {@code w[i] ~ s * q[i]} with an error of at most {@code s / 2}. The GEMM multiplies A by q exactly (small integers
 * are exact floats) and applies {@code s} once per output in its epilogue: {@code y = s * (x . q) + b}.
 */
public final class Int8 {
    private Int8() {}

    /** Largest magnitude of a quantised value. */
    public static final int MAX = 127;

    /** Quantises {@code n} values of {@code src[srcOff..]} into {@code dst[dstOff..]} and returns the row's scale. */
    public static float quantizeRow(float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        float max = 0f;
        for (int i = 0; i < n; i++) max = Math.max(max, Math.abs(src[srcOff + i]));
        float scale = max / MAX;
        for (int i = 0; i < n; i++) dst[dstOff + i] = scale == 0f ? 0 : (byte) Math.rint(src[srcOff + i] / scale);
        return scale;
    }
}
