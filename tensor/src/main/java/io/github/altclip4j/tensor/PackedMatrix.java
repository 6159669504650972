package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * A weight matrix {@code W[n][k]} (PyTorch {@code nn.Linear} layout: n outputs, k inputs) rearranged once, at
 * load time, into the layout the GEMM micro-kernel walks: column panels of {@code pw} outputs, each stored as
 * {@code [k][pw]} contiguous floats. Panel p holds outputs {@code p*pw .. p*pw+pw-1}; the last panel is padded
 * with zero columns. The kernel then streams one panel row (4 vectors) per step of k, with no strided loads.
 *
 * <p>F16/BF16 weights keep their 16-bit bits in the same panel layout; {@link Gemm} widens one
 * {@code [kc][pw]} slice at a time into a per-thread float buffer right before using it, so memory traffic
 * stays at 2 bytes per weight.
 */
public final class PackedMatrix {
    private final int n;
    private final int k;
    private final int panelWidth;
    private final DType dtype;
    private final float[] f32;
    private final short[] half;

    private PackedMatrix(int n, int k, int panelWidth, DType dtype, float[] f32, short[] half) {
        this.n = n;
        this.k = k;
        this.panelWidth = panelWidth;
        this.dtype = dtype;
        this.f32 = f32;
        this.half = half;
    }

    /** Packs a float32 weight of shape {@code [n][k]} (any leading dims fold into n). */
    public static PackedMatrix pack(FloatTensor w) {
        int n = w.rows(), k = w.cols(), pw = Backend.kernels().panelWidth();
        float[] dst = new float[packedSize(n, k, pw)];
        packTransposed(w.data(), w.offset(), k, n, k, pw, dst, 0);
        return new PackedMatrix(n, k, pw, DType.F32, dst, null);
    }

    /** Packs a 16-bit weight of shape {@code [n][k]}, keeping it 16-bit. */
    public static PackedMatrix pack(HalfTensor w) {
        int n = w.rows(), k = w.cols(), pw = Backend.kernels().panelWidth();
        short[] src = w.bits();
        short[] dst = new short[packedSize(n, k, pw)];
        for (int col = 0; col < n; col++) {
            int panel = col / pw, j = col % pw, base = panel * k * pw + j;
            for (int kk = 0; kk < k; kk++) dst[base + kk * pw] = src[col * k + kk];
        }
        return new PackedMatrix(n, k, pw, w.dtype(), null, dst);
    }

    /** Wraps an already packed float32 panel array (used for operands packed on the fly). */
    static PackedMatrix ofPacked(int n, int k, int pw, float[] packed) {
        return new PackedMatrix(n, k, pw, DType.F32, packed, null);
    }

    static int packedSize(int n, int k, int pw) {
        long size = (long) panels(n, pw) * k * pw;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("matrix " + n + "x" + k + " too large to pack");
        return (int) size;
    }

    static int panels(int n, int pw) {
        return (n + pw - 1) / pw;
    }

    /**
     * Packs {@code src} holding n rows of k values (row r at {@code off + r*ld}) into panels at {@code dst[dstOff..]}:
     * {@code dst[p][kk][j] = src[p*pw + j][kk]}. Padding columns are set to zero.
     */
    static void packTransposed(float[] src, int off, int ld, int n, int k, int pw, float[] dst, int dstOff) {
        int panels = panels(n, pw);
        for (int p = 0; p < panels; p++) {
            int base = dstOff + p * k * pw;
            int cols = Math.min(pw, n - p * pw);
            if (cols < pw) {
                for (int kk = 0; kk < k; kk++) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
            }
            for (int j = 0; j < cols; j++) {
                int s = off + (p * pw + j) * ld;
                for (int kk = 0; kk < k; kk++) dst[base + kk * pw + j] = src[s + kk];
            }
        }
    }

    /**
     * Packs {@code src} holding k rows of n values (row kk at {@code off + kk*ld}, the {@code A·B} layout) into
     * panels: {@code dst[p][kk][j] = src[kk][p*pw + j]}. Padding columns are set to zero.
     */
    static void packRows(float[] src, int off, int ld, int k, int n, int pw, float[] dst, int dstOff) {
        int panels = panels(n, pw);
        for (int p = 0; p < panels; p++) {
            int base = dstOff + p * k * pw;
            int cols = Math.min(pw, n - p * pw);
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(src, off + kk * ld + p * pw, dst, base + kk * pw, cols);
                if (cols < pw) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
            }
        }
    }

    /** Output features (rows of W). */
    public int outFeatures() { return n; }

    /** Input features (columns of W, the GEMM's reduction length). */
    public int inFeatures() { return k; }

    public DType dtype() { return dtype; }

    int panelWidth() { return panelWidth; }

    int panelCount() { return panels(n, panelWidth); }

    float[] f32() { return f32; }

    short[] half() { return half; }

    /** Bytes held by the packed weights. */
    public long bytes() {
        return f32 != null ? 4L * f32.length : 2L * half.length;
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + n + "x" + k + ", " + dtype + ", panels of " + panelWidth + "]";
    }
}
