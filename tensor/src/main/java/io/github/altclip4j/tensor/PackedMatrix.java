package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * A weight matrix {@code W[n][k]} (PyTorch {@code nn.Linear} layout: n outputs, k inputs) rearranged once, at
 * load time, into the layout the GEMM micro-kernel walks: column panels of {@code pw} outputs, each cut into
 * slices of {@link Gemm#K_BLOCK} inputs stored as {@code [kLen][pw]} contiguous floats. The slices are ordered
 * k-block first, then panel: exactly the order in which {@link Gemm} visits them, so a GEMM reads its weights as one
 * sequential stream that the hardware prefetcher can run ahead of. The last panel is padded with zero columns.
 *
 * <p>F16/BF16 weights keep their 16-bit bits in the same layout; {@link Gemm} widens one slice at a time into a
 * per-thread float buffer right before using it, so memory traffic stays at 2 bytes per weight.
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
        packTransposed(w.data(), w.offset(), k, n, k, pw, Gemm.K_BLOCK, dst, 0);
        return new PackedMatrix(n, k, pw, DType.F32, dst, null);
    }

    /** Packs a 16-bit weight of shape {@code [n][k]}, keeping it 16-bit. */
    public static PackedMatrix pack(HalfTensor w) {
        int n = w.rows(), k = w.cols(), pw = Backend.kernels().panelWidth();
        short[] src = w.bits();
        short[] dst = new short[packedSize(n, k, pw)];
        int panels = panels(n, pw);
        for (int col = 0; col < n; col++) {
            int p = col / pw, j = col % pw;
            for (int kb = 0; kb < k; kb += Gemm.K_BLOCK) {
                int base = sliceOffset(p, kb, k, panels, pw, Gemm.K_BLOCK) + j;
                for (int kk = kb, end = Math.min(k, kb + Gemm.K_BLOCK); kk < end; kk++) dst[base + (kk - kb) * pw] = src[col * k + kk];
            }
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
     * Where the slice of panel {@code p} for the k block starting at {@code kb} begins, for a matrix of reduction
     * length k packed with k blocks of {@code kBlock}: all slices of earlier k blocks come first (each of them full),
     * then the slices of this block's earlier panels.
     */
    static int sliceOffset(int p, int kb, int k, int panels, int pw, int kBlock) {
        int kLen = Math.min(kBlock, k - kb);
        return kb * panels * pw + p * kLen * pw;
    }

    /**
     * Packs {@code src} holding n rows of k values (row r at {@code off + r*ld}) into panels at {@code dst[dstOff..]},
     * cut into k blocks of {@code kBlock}: element (r, kk) goes to row {@code kk - kb} of slice (r / pw, kb), column
     * {@code r % pw}. Padding columns are set to zero.
     */
    static void packTransposed(float[] src, int off, int ld, int n, int k, int pw, int kBlock, float[] dst, int dstOff) {
        int panels = panels(n, pw);
        for (int p = 0; p < panels; p++) {
            int cols = Math.min(pw, n - p * pw);
            for (int kb = 0; kb < k; kb += kBlock) {
                int base = dstOff + sliceOffset(p, kb, k, panels, pw, kBlock), kLen = Math.min(kBlock, k - kb);
                for (int kk = 0; kk < kLen; kk++) {
                    if (cols < pw) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
                }
                for (int j = 0; j < cols; j++) {
                    int s = off + (p * pw + j) * ld + kb;
                    for (int kk = 0; kk < kLen; kk++) dst[base + kk * pw + j] = src[s + kk];
                }
            }
        }
    }

    /**
     * Packs {@code src} holding k rows of n values (row kk at {@code off + kk*ld}, the {@code A·B} layout) into the
     * same panel layout as {@link #packTransposed}: {@code B[kk][p*pw + j]} is column j of slice p's row kk.
     */
    static void packRows(float[] src, int off, int ld, int k, int n, int pw, int kBlock, float[] dst, int dstOff) {
        int panels = panels(n, pw);
        for (int p = 0; p < panels; p++) {
            int cols = Math.min(pw, n - p * pw);
            for (int kb = 0; kb < k; kb += kBlock) {
                int base = dstOff + sliceOffset(p, kb, k, panels, pw, kBlock);
                for (int kk = 0, kLen = Math.min(kBlock, k - kb); kk < kLen; kk++) {
                    System.arraycopy(src, off + (kb + kk) * ld + p * pw, dst, base + kk * pw, cols);
                    if (cols < pw) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
                }
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
