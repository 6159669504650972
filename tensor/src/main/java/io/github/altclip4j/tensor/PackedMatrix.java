package io.github.altclip4j.tensor;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * A weight matrix {@code W[n][k]} (PyTorch {@code nn.Linear} layout: n outputs, k inputs) rearranged once, at
 * load time, into the layout the GEMM micro-kernel walks: column panels of {@code pw} outputs, each stored as
 * {@code [k][pw]} contiguous values (row kk of a panel holds input kk of its pw outputs), panel after panel, so a GEMM
 * reads its weights as sequential streams that the hardware prefetcher can run ahead of. The last panel is padded
 * with zero columns.
 *
 * <p>F16/BF16 weights keep their 16-bit bits in the same layout, int8 weights ({@link Int8}) their quantised values
 * plus one scale per output; {@link Gemm} widens them in registers, or a panel at a time into a per-thread float
 * buffer, so memory traffic stays at 2 or 1 bytes per weight.
 *
 * <p>The panels live in Java arrays, or in a file mapped into memory ({@link MappedWeights}, JDK 22+: the bytes
 * {@link #writeTo} wrote, read in place).
 */
public final class PackedMatrix {
    private final int n;
    private final int k;
    private final int panelWidth;
    private final DType dtype;
    private final float[] f32;
    private final short[] half;
    private final byte[] i8;
    private final float[] scales;
    /** The panels in a mapped file instead of the arrays above (which are then null). */
    private final MappedRegion mapped;

    private PackedMatrix(
            int n, int k, int panelWidth, DType dtype, float[] f32, short[] half, byte[] i8, float[] scales) {
        this(n, k, panelWidth, dtype, f32, half, i8, scales, null);
    }

    private PackedMatrix(
            int n,
            int k,
            int panelWidth,
            DType dtype,
            float[] f32,
            short[] half,
            byte[] i8,
            float[] scales,
            MappedRegion mapped) {
        this.n = n;
        this.k = k;
        this.panelWidth = panelWidth;
        this.dtype = dtype;
        this.f32 = f32;
        this.half = half;
        this.i8 = i8;
        this.scales = scales;
        this.mapped = mapped;
    }

    /** A matrix whose panels (in this JVM's layout) are read from a mapped file; I8 scales are given as an array. */
    static PackedMatrix mapped(int n, int k, DType dtype, MappedRegion panels, float[] scales) {
        return new PackedMatrix(n, k, currentPanelWidth(), dtype, null, null, null, scales, panels);
    }

    /**
     * The panel width this JVM's kernels pack for (16 floats with AVX2, 64 with AVX-512): part of the layout of the
     * bytes {@link #writeTo} writes, so a file written under another width cannot be mapped here.
     */
    public static int currentPanelWidth() {
        return Backend.kernels().panelWidth();
    }

    /** Packs a float32 weight of shape {@code [n][k]} (any leading dims fold into n), held as {@code dtype}. */
    public static PackedMatrix pack(FloatTensor w, DType dtype) {
        Builder b = new Builder(w.rows(), w.cols(), dtype);
        b.putRows(w.data(), w.offset(), 0, w.rows());
        return b.build();
    }

    /** Packs a float32 weight of shape {@code [n][k]}, kept float32. */
    public static PackedMatrix pack(FloatTensor w) {
        return pack(w, DType.F32);
    }

    /** Packs a 16-bit weight of shape {@code [n][k]}, keeping it 16-bit. */
    public static PackedMatrix pack(HalfTensor w) {
        Builder b = new Builder(w.rows(), w.cols(), w.dtype());
        b.putRows(w.bits(), 0, 0, w.rows());
        return b.build();
    }

    /**
     * Packs a weight row by row as it arrives (e.g. streamed from a file), so a loader never holds the unpacked
     * matrix: rows of W go straight to their panel columns. Calls for disjoint rows may come from several threads.
     */
    public static final class Builder {
        private final int n, k, pw;
        private final DType dtype;
        private final float[] f32;
        private final short[] half;
        private final byte[] i8;
        private final float[] scales;

        public Builder(int n, int k, DType dtype) {
            this.n = n;
            this.k = k;
            this.dtype = dtype;
            this.pw = Backend.kernels().panelWidth();
            int size = packedSize(n, k, pw);
            this.f32 = dtype == DType.F32 ? new float[size] : null;
            this.half = dtype == DType.F16 || dtype == DType.BF16 ? new short[size] : null;
            this.i8 = dtype == DType.I8 ? new byte[size] : null;
            this.scales = dtype == DType.I8 ? new float[panels(n, pw) * pw] : null;
        }

        /**
         * Rows {@code [firstRow, firstRow + rows)} of W as float32, row-major in {@code src} from {@code srcOff}: kept
         * as they are (F32), or quantised row by row ({@link Int8}, I8).
         */
        public void putRows(float[] src, int srcOff, int firstRow, int rows) {
            checkRows(firstRow, rows);
            if (dtype == DType.I8) {
                byte[] q = new byte[k];
                for (int r = 0; r < rows; r++) {
                    scales[firstRow + r] = Int8.quantizeRow(src, srcOff + r * k, k, q, 0);
                    putRow(firstRow + r, q, 0);
                }
                return;
            }
            if (f32 == null) throw new IllegalStateException("this builder packs " + dtype + ": give it 16-bit values");
            for (int r = 0; r < rows; r++) {
                int row = firstRow + r, base = panelOffset(row / pw, k, pw) + row % pw, s = srcOff + r * k;
                for (int kk = 0; kk < k; kk++) f32[base + kk * pw] = src[s + kk];
            }
        }

        /** The same for 16-bit weights (raw bits of this builder's dtype). */
        public void putRows(short[] src, int srcOff, int firstRow, int rows) {
            if (half == null) throw new IllegalStateException("this builder packs " + dtype + ", not 16-bit values");
            checkRows(firstRow, rows);
            for (int r = 0; r < rows; r++) {
                int row = firstRow + r, base = panelOffset(row / pw, k, pw) + row % pw, s = srcOff + r * k;
                for (int kk = 0; kk < k; kk++) half[base + kk * pw] = src[s + kk];
            }
        }

        /** Rows already quantised ({@link Int8}): their int8 values, row-major from {@code srcOff}, and scales. */
        public void putRows(byte[] src, int srcOff, int firstRow, int rows, float[] rowScales, int scalesOff) {
            if (i8 == null) throw new IllegalStateException("this builder packs " + dtype + ", not int8 values");
            checkRows(firstRow, rows);
            for (int r = 0; r < rows; r++) {
                scales[firstRow + r] = rowScales[scalesOff + r];
                putRow(firstRow + r, src, srcOff + r * k);
            }
        }

        private void putRow(int row, byte[] q, int qOff) {
            int base = panelOffset(row / pw, k, pw) + row % pw;
            for (int kk = 0; kk < k; kk++) i8[base + kk * pw] = q[qOff + kk];
        }

        private void checkRows(int firstRow, int rows) {
            if (firstRow < 0 || rows < 0 || firstRow + rows > n) {
                throw new IndexOutOfBoundsException("rows [" + firstRow + ", " + (firstRow + rows) + ") of " + n);
            }
        }

        public PackedMatrix build() {
            return new PackedMatrix(n, k, pw, dtype, f32, half, i8, scales);
        }
    }

    /** Wraps an already packed float32 panel array (used for operands packed on the fly). */
    static PackedMatrix ofPacked(int n, int k, int pw, float[] packed) {
        return new PackedMatrix(n, k, pw, DType.F32, packed, null, null, null);
    }

    static int packedSize(int n, int k, int pw) {
        long size = (long) panels(n, pw) * k * pw;
        if (size > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("matrix " + n + "x" + k + " too large to pack");
        return (int) size;
    }

    static int panels(int n, int pw) {
        return (n + pw - 1) / pw;
    }

    /** Where panel {@code p} of a matrix of reduction length k begins: panels are {@code [k][pw]}, one after another. */
    static int panelOffset(int p, int k, int pw) {
        return p * k * pw;
    }

    /**
     * Packs {@code src} holding n rows of k values (row r at {@code off + r*ld}) into panels at {@code dst[dstOff..]}:
     * element (r, kk) goes to row kk of panel r / pw, column {@code r % pw}. Padding columns are set to zero.
     */
    static void packTransposed(float[] src, int off, int ld, int n, int k, int pw, float[] dst, int dstOff) {
        for (int p = 0, panels = panels(n, pw); p < panels; p++) {
            int cols = Math.min(pw, n - p * pw), base = dstOff + panelOffset(p, k, pw);
            if (cols < pw)
                for (int kk = 0; kk < k; kk++) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
            for (int j = 0; j < cols; j++) {
                int s = off + (p * pw + j) * ld;
                for (int kk = 0; kk < k; kk++) dst[base + kk * pw + j] = src[s + kk];
            }
        }
    }

    /**
     * Packs {@code src} holding k rows of n values (row kk at {@code off + kk*ld}, the {@code A·B} layout) into the
     * same panel layout as {@link #packTransposed}: {@code B[kk][p*pw + j]} is column j of panel p's row kk.
     */
    static void packRows(float[] src, int off, int ld, int k, int n, int pw, float[] dst, int dstOff) {
        for (int p = 0, panels = panels(n, pw); p < panels; p++) {
            int cols = Math.min(pw, n - p * pw), base = dstOff + panelOffset(p, k, pw);
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(src, off + kk * ld + p * pw, dst, base + kk * pw, cols);
                if (cols < pw) Arrays.fill(dst, base + kk * pw + cols, base + kk * pw + pw, 0f);
            }
        }
    }

    /** Output features (rows of W). */
    public int outFeatures() {
        return n;
    }

    /** Input features (columns of W, the GEMM's reduction length). */
    public int inFeatures() {
        return k;
    }

    public DType dtype() {
        return dtype;
    }

    int panelWidth() {
        return panelWidth;
    }

    int panelCount() {
        return panels(n, panelWidth);
    }

    float[] f32() {
        return f32;
    }

    short[] half() {
        return half;
    }

    byte[] i8() {
        return i8;
    }

    /** I8: the scale of each output (padded to whole panels with zeros); null for float weights. */
    float[] scales() {
        return scales;
    }

    /** Whether the panels are read from a mapped file rather than held in the Java heap. */
    public boolean isMapped() {
        return mapped != null;
    }

    /**
     * Panel {@code p} as float32 into {@code dst[0 .. k*pw)}, for 16-bit and int8 weights and mapped ones (I8: without
     * the scales).
     */
    void widenPanel(Kernels kern, int p, float[] dst) {
        int off = panelOffset(p, k, panelWidth), len = k * panelWidth;
        if (mapped != null) mapped.toFloat(off, dst, 0, len);
        else if (dtype == DType.I8) kern.i8ToFloat(i8, off, dst, 0, len);
        else HalfTensor.widen(kern, dtype, half, off, dst, 0, len);
    }

    /**
     * {@link Kernels#tile} on the panel data at {@code pOff} where this matrix holds it, without a widened copy: a
     * mapped panel, or bfloat16 / int8 arrays widened in registers.
     */
    void tile(Kernels kern, float[] a, int aOff, int pOff, int kLen, float[] c, boolean accumulate) {
        if (mapped != null) mapped.tile(a, aOff, pOff, kLen, c, accumulate);
        else if (dtype == DType.I8) kern.tileI8(a, aOff, i8, pOff, kLen, c, accumulate);
        else kern.tileBf16(a, aOff, half, pOff, kLen, c, accumulate);
    }

    /** Bytes of the packed weights (and their scales), in the heap or mapped. */
    public long bytes() {
        long values = (long) panelCount() * k * panelWidth;
        return values * dtype.bytes() + (scales == null ? 0 : 4L * scales.length);
    }

    /**
     * Writes the panels, then (I8) the scales, as little-endian bytes: {@link #bytes()} of them, what
     * {@link MappedWeights#matrix} maps back.
     */
    public void writeTo(WritableByteChannel out) throws IOException {
        if (mapped != null) throw new IllegalStateException("a mapped matrix is written already: " + this);
        LittleEndianOut le = new LittleEndianOut(out);
        if (f32 != null) le.write(f32, 0, f32.length);
        else if (half != null) le.write(half, 0, half.length);
        else le.write(i8, 0, i8.length);
        if (scales != null) le.write(scales, 0, scales.length);
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + n + "x" + k + ", " + dtype + ", panels of " + panelWidth + "]";
    }
}
