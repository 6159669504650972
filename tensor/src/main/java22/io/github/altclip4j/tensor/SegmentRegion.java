package io.github.altclip4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A {@link MappedRegion} on a slice of a mapped file: the matrix's or table's values, little-endian. */
final class SegmentRegion implements MappedRegion {
    /** The register tile of this machine's kernels ({@link VectorKernels}): 5 x 4 vectors, or 4 x 2. */
    private static final boolean WIDE_TILE = Backend.kernels().tileRows() == Tile5x4.ROWS;

    /** A 16-bit or int8 row's bytes copied out of the segment before widening, one buffer per thread. */
    private static final ThreadLocal<short[]> SHORTS = ThreadLocal.withInitial(() -> new short[0]);

    private static final ThreadLocal<byte[]> BYTES = ThreadLocal.withInitial(() -> new byte[0]);

    private final MemorySegment values;
    private final DType dtype;

    SegmentRegion(MemorySegment values, DType dtype) {
        this.values = values;
        this.dtype = dtype;
    }

    @Override
    public void tile(float[] a, int aOff, long pOff, int kLen, float[] c, boolean accumulate) {
        long at = dtype.bytes() * pOff;
        switch (dtype) {
            case F32 -> {
                if (WIDE_TILE) SegmentTile5x4.f32(a, aOff, values, at, kLen, c, accumulate);
                else SegmentTile4x2.f32(a, aOff, values, at, kLen, c, accumulate);
            }
            case BF16 -> {
                if (WIDE_TILE) SegmentTile5x4.bf16Panel(a, aOff, values, at, kLen, c, accumulate);
                else SegmentTile4x2.bf16Panel(a, aOff, values, at, kLen, c, accumulate);
            }
            case I8 -> {
                if (WIDE_TILE) SegmentTile5x4.i8Panel(a, aOff, values, at, kLen, c, accumulate);
                else SegmentTile4x2.i8Panel(a, aOff, values, at, kLen, c, accumulate);
            }
            default -> throw new IllegalStateException(dtype + " panels are widened before the micro-kernel");
        }
    }

    @Override
    public void toFloat(long off, float[] dst, int dstOff, int n) {
        Kernels kern = Backend.kernels();
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * off, dst, dstOff, n);
            case I8 -> {
                byte[] b = BYTES.get();
                if (b.length < n) BYTES.set(b = new byte[n]);
                MemorySegment.copy(values, ValueLayout.JAVA_BYTE, off, b, 0, n);
                kern.i8ToFloat(b, 0, dst, dstOff, n);
            }
            default -> {
                short[] h = SHORTS.get();
                if (h.length < n) SHORTS.set(h = new short[n]);
                MemorySegment.copy(values, ValueLayout.JAVA_SHORT_UNALIGNED, 2 * off, h, 0, n);
                HalfTensor.widen(kern, dtype, h, 0, dst, dstOff, n);
            }
        }
    }
}
