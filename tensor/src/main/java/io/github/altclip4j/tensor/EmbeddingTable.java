package io.github.altclip4j.tensor;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * A lookup table of {@code rows} vectors of {@code cols} values ({@code nn.Embedding}), gathered one row at a time,
 * held as float32, as 16-bit floats or as int8 with a scale per row ({@link Int8}), widened as rows are looked up.
 * XLM-R's word embeddings are 250,002 x 1024: 1 GB in float32, the largest single tensor of AltCLIP.
 *
 * <p>The rows live in blocks of {@value #BLOCK_ROWS} rather than one array: {@link #allocate} creates the blocks on
 * all cores, so the page faults of a fresh gigabyte (the JVM zeroes every new array, and zeroing is what faults the
 * memory in) are taken in parallel instead of on the loading thread alone, and no table is limited by the size of
 * one Java array. {@link #putRows} may be called concurrently for disjoint rows.
 *
 * <p>A table may instead be read in place from a mapped file ({@link MappedWeights}, JDK 22+): the bytes
 * {@link #writeTo} wrote.
 */
public final class EmbeddingTable {
    static final int BLOCK_ROWS = 1024;

    private final int rows, cols;
    private final DType dtype;
    private final float[][] f32;
    private final short[][] half;
    private final byte[][] i8;
    private final float[] scales;
    /** The rows, row-major, in a mapped file instead of the blocks above (which are then null). */
    private final MappedRegion mapped;

    private EmbeddingTable(int rows, int cols, DType dtype, float[][] f32, short[][] half, byte[][] i8) {
        this(rows, cols, dtype, f32, half, i8, i8 == null ? null : new float[rows], null);
    }

    private EmbeddingTable(
            int rows,
            int cols,
            DType dtype,
            float[][] f32,
            short[][] half,
            byte[][] i8,
            float[] scales,
            MappedRegion mapped) {
        this.rows = rows;
        this.cols = cols;
        this.dtype = dtype;
        this.f32 = f32;
        this.half = half;
        this.i8 = i8;
        this.scales = scales;
        this.mapped = mapped;
    }

    /** A table whose rows are read from a mapped file; I8 scales (one per row) are given as an array. */
    static EmbeddingTable mapped(int rows, int cols, DType dtype, MappedRegion values, float[] scales) {
        return new EmbeddingTable(rows, cols, dtype, null, null, null, scales, values);
    }

    /** A zero table of {@code rows x cols} held as {@code dtype}, its blocks allocated on {@code pool}'s threads. */
    public static EmbeddingTable allocate(ThreadPool pool, int rows, int cols, DType dtype) {
        if (rows < 0 || cols < 0 || (long) BLOCK_ROWS * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("embedding table of " + rows + " x " + cols);
        }
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        float[][] f32 = dtype == DType.F32 ? new float[blocks][] : null;
        short[][] half = dtype == DType.F16 || dtype == DType.BF16 ? new short[blocks][] : null;
        byte[][] i8 = dtype == DType.I8 ? new byte[blocks][] : null;
        pool.parallelFor(blocks, b -> {
            int size = Math.min(BLOCK_ROWS, rows - b * BLOCK_ROWS) * cols;
            if (f32 != null) f32[b] = new float[size];
            else if (half != null) half[b] = new short[size];
            else i8[b] = new byte[size];
        });
        return new EmbeddingTable(rows, cols, dtype, f32, half, i8);
    }

    /**
     * Rows {@code [firstRow, firstRow + n)} from float32 values (row-major at {@code src[off..]}): rounded if 16-bit,
     * quantised row by row if int8.
     */
    public void putRows(float[] src, int off, int firstRow, int n) {
        checkRows(firstRow, n);
        if (i8 != null) {
            for (int r = firstRow; r < firstRow + n; r++) {
                scales[r] = Int8.quantizeRow(
                        src, off + (r - firstRow) * cols, cols, i8[r / BLOCK_ROWS], (r % BLOCK_ROWS) * cols);
            }
            return;
        }
        for (int r = firstRow, end = firstRow + n; r < end; ) {
            int b = r / BLOCK_ROWS, inBlock = r % BLOCK_ROWS, count = Math.min(end - r, BLOCK_ROWS - inBlock);
            int from = off + (r - firstRow) * cols, len = count * cols;
            if (f32 != null) System.arraycopy(src, from, f32[b], inBlock * cols, len);
            else HalfTensor.round(dtype, src, from, half[b], inBlock * cols, len);
            r += count;
        }
    }

    /** Rows {@code [firstRow, firstRow + n)} as raw 16-bit values of this table's type. */
    public void putRows(short[] src, int off, int firstRow, int n) {
        if (half == null) throw new IllegalStateException("this table holds " + dtype + ", not 16-bit values");
        checkRows(firstRow, n);
        for (int r = firstRow, end = firstRow + n; r < end; ) {
            int b = r / BLOCK_ROWS, inBlock = r % BLOCK_ROWS, count = Math.min(end - r, BLOCK_ROWS - inBlock);
            System.arraycopy(src, off + (r - firstRow) * cols, half[b], inBlock * cols, count * cols);
            r += count;
        }
    }

    /** Rows already quantised ({@link Int8}): their int8 values, row-major from {@code off}, and scales. */
    public void putRows(byte[] src, int off, int firstRow, int n, float[] rowScales, int scalesOff) {
        if (i8 == null) throw new IllegalStateException("this table holds " + dtype + ", not int8 values");
        checkRows(firstRow, n);
        for (int r = 0; r < n; r++) {
            int row = firstRow + r;
            scales[row] = rowScales[scalesOff + r];
            System.arraycopy(src, off + r * cols, i8[row / BLOCK_ROWS], (row % BLOCK_ROWS) * cols, cols);
        }
    }

    private void checkRows(int firstRow, int n) {
        if (firstRow < 0 || n < 0 || firstRow > rows - n) {
            throw new IndexOutOfBoundsException("rows [" + firstRow + ", " + ((long) firstRow + n) + ") of " + rows);
        }
    }

    /** Row {@code row} as float32, into {@code dst[dstOff..dstOff + cols)}. */
    public void row(int row, float[] dst, int dstOff) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        int b = row / BLOCK_ROWS, at = (row % BLOCK_ROWS) * cols;
        if (mapped != null) {
            mapped.toFloat((long) row * cols, dst, dstOff, cols);
            if (scales != null) Backend.kernels().scaleAdd(dst, dstOff, cols, scales[row], null, 0);
        } else if (f32 != null) {
            System.arraycopy(f32[b], at, dst, dstOff, cols);
        } else if (half != null) {
            HalfTensor.widen(Backend.kernels(), dtype, half[b], at, dst, dstOff, cols);
        } else {
            Kernels k = Backend.kernels();
            k.i8ToFloat(i8[b], at, dst, dstOff, cols);
            k.scaleAdd(dst, dstOff, cols, scales[row], null, 0);
        }
    }

    /** {@code q . row}, with the int8 scale applied (what {@link TopK} ranks by). */
    float dot(Kernels k, float[] q, int row) {
        if (mapped != null) { // the same sums as the in-heap dot products below, on a widened copy of the row
            float[] w = new float[cols];
            mapped.toFloat((long) row * cols, w, 0, cols);
            float d = k.dot(q, 0, w, 0, cols);
            return scales == null ? d : scales[row] * d;
        }
        int b = row / BLOCK_ROWS, at = (row % BLOCK_ROWS) * cols;
        if (f32 != null) return k.dot(q, 0, f32[b], at, cols);
        if (half != null) {
            if (dtype == DType.BF16) return k.dotBf16(q, 0, half[b], at, cols);
            float[] w = new float[cols];
            HalfTensor.widen(k, dtype, half[b], at, w, 0, cols);
            return k.dot(q, 0, w, 0, cols);
        }
        return scales[row] * k.dotI8(q, 0, i8[b], at, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public DType dtype() {
        return dtype;
    }

    /** Bytes held by the values (and the int8 scales), in the heap or mapped. */
    public long bytes() {
        return (long) rows * cols * dtype.bytes() + (scales == null ? 0 : 4L * rows);
    }

    /**
     * Writes the rows (row-major), then (I8) the scales, as little-endian bytes: {@link #bytes()} of them, what
     * {@link MappedWeights#embedding} maps back.
     */
    public void writeTo(WritableByteChannel out) throws IOException {
        if (mapped != null) throw new IllegalStateException("a mapped table is written already: " + this);
        LittleEndianOut le = new LittleEndianOut(out);
        for (int b = 0, blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS; b < blocks; b++) {
            if (f32 != null) le.write(f32[b], 0, f32[b].length);
            else if (half != null) le.write(half[b], 0, half[b].length);
            else le.write(i8[b], 0, i8[b].length);
        }
        if (scales != null) le.write(scales, 0, scales.length);
    }

    @Override
    public String toString() {
        return "EmbeddingTable[" + rows + "x" + cols + ", " + dtype + "]";
    }
}
