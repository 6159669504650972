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
        Builder b = new Builder(w.rows(), w.cols(), DType.F32);
        b.putRows(w.data(), w.offset(), 0, w.rows());
        return b.build();
    }

    /** Packs a 16-bit weight of shape {@code [n][k]}, keeping it 16-bit. */
    public static PackedMatrix pack(HalfTensor w) {
        Builder b = new Builder(w.rows(), w.cols(), w.dtype());
        b.putRows(w.bits(), 0, 0, w.rows());
        return b.build();
    }

    /**
     * Packs a weight row by row as it arrives (e.g. streamed from a file), so a loader never holds the unpacked
     * matrix: rows of W go straight to their panel columns.
     */
    public static final class Builder {
        private final int n, k, pw, panels;
        private final DType dtype;
        private final float[] f32;
        private final short[] half;

        public Builder(int n, int k, DType dtype) {
            this.n = n;
            this.k = k;
            this.dtype = dtype;
            this.pw = Backend.kernels().panelWidth();
            this.panels = panels(n, pw);
            int size = packedSize(n, k, pw);
            this.f32 = dtype == DType.F32 ? new float[size] : null;
            this.half = dtype == DType.F32 ? null : new short[size];
        }

        /** Rows {@code [firstRow, firstRow + rows)} of W, row-major in {@code src} from {@code srcOff}. */
        public void putRows(float[] src, int srcOff, int firstRow, int rows) {
            if (f32 == null) throw new IllegalStateException("this builder packs " + dtype + ", not F32");
            checkRows(firstRow, rows);
            for (int r = 0; r < rows; r++) {
                int row = firstRow + r, p = row / pw, j = row % pw, s = srcOff + r * k;
                for (int kb = 0; kb < k; kb += Gemm.K_BLOCK) {
                    int base = sliceOffset(p, kb, k, panels, pw, Gemm.K_BLOCK) + j - kb * pw;
                    for (int kk = kb, end = Math.min(k, kb + Gemm.K_BLOCK); kk < end; kk++) f32[base + kk * pw] = src[s + kk];
                }
            }
        }

        /** The same for 16-bit weights (raw bits of this builder's dtype). */
        public void putRows(short[] src, int srcOff, int firstRow, int rows) {
            if (half == null) throw new IllegalStateException("this builder packs F32, not 16-bit values");
            checkRows(firstRow, rows);
            for (int r = 0; r < rows; r++) {
                int row = firstRow + r, p = row / pw, j = row % pw, s = srcOff + r * k;
                for (int kb = 0; kb < k; kb += Gemm.K_BLOCK) {
                    int base = sliceOffset(p, kb, k, panels, pw, Gemm.K_BLOCK) + j - kb * pw;
                    for (int kk = kb, end = Math.min(k, kb + Gemm.K_BLOCK); kk < end; kk++) half[base + kk * pw] = src[s + kk];
                }
            }
        }

        private void checkRows(int firstRow, int rows) {
            if (firstRow < 0 || rows < 0 || firstRow + rows > n) {
                throw new IndexOutOfBoundsException("rows [" + firstRow + ", " + (firstRow + rows) + ") of " + n);
            }
        }

        public PackedMatrix build() {
            return new PackedMatrix(n, k, pw, dtype, f32, half);
        }
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
