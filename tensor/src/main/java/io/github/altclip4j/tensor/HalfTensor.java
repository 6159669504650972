package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * A dense, row-major tensor of 16-bit floats (BF16 or F16) kept as raw bits, so a checkpoint stored in 16 bits
 * stays half the size in memory. Rows are widened to float on demand ({@link #rowToFloat}), e.g. when an
 * embedding table is gathered; {@link PackedMatrix#pack(HalfTensor)} keeps GEMM weights 16-bit.
 */
public final class HalfTensor {
    private final short[] bits;
    private final DType dtype;
    private final int[] shape;

    public HalfTensor(short[] bits, DType dtype, int... shape) {
        if (dtype != DType.F16 && dtype != DType.BF16)
            throw new IllegalArgumentException("HalfTensor holds F16 or BF16, not " + dtype);
        if (Shapes.size(shape) != bits.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Shapes.size(shape)
                    + " elements, the array has " + bits.length);
        }
        this.bits = bits;
        this.dtype = dtype;
        this.shape = shape.clone();
    }

    /** Rounds {@code t} to 16 bits (round to nearest even). */
    public static HalfTensor of(FloatTensor t, DType dtype) {
        short[] b = new short[t.size()];
        round(dtype, t.data(), t.offset(), b, 0, b.length);
        return new HalfTensor(b, dtype, t.shape());
    }

    /** Rounds {@code n} floats to {@code dtype}'s 16-bit bits (round to nearest even; BF16 on SIMD kernels). */
    public static void round(DType dtype, float[] src, int srcOff, short[] dst, int dstOff, int n) {
        Shapes.checkRange(src.length, srcOff, n, "source");
        Shapes.checkRange(dst.length, dstOff, n, "destination");
        if (dtype == DType.BF16) {
            Backend.kernels().floatToBf16(src, srcOff, dst, dstOff, n);
        } else if (dtype == DType.F16) {
            for (int i = 0; i < n; i++) dst[dstOff + i] = Half.floatToF16(src[srcOff + i]);
        } else {
            throw new IllegalArgumentException("cannot round to " + dtype);
        }
    }

    public short[] bits() {
        return bits;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return bits.length;
    }

    public int rows() {
        return Shapes.rows(shape);
    }

    public int cols() {
        return Shapes.cols(shape);
    }

    /** Widens row {@code row} (of {@link #cols()} elements) into {@code dst[dstOff..]}. */
    public void rowToFloat(int row, float[] dst, int dstOff) {
        if (row < 0 || row >= rows()) throw new IndexOutOfBoundsException("row " + row + " of " + rows());
        widen(Backend.kernels(), dtype, bits, row * cols(), dst, dstOff, cols());
    }

    /** The whole tensor widened to float32. */
    public FloatTensor toFloat() {
        float[] out = new float[bits.length];
        widen(Backend.kernels(), dtype, bits, 0, out, 0, bits.length);
        return FloatTensor.wrap(out, shape);
    }

    static void widen(Kernels k, DType dtype, short[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (dtype == DType.BF16) k.bf16ToFloat(src, srcOff, dst, dstOff, n);
        else k.f16ToFloat(src, srcOff, dst, dstOff, n);
    }

    @Override
    public String toString() {
        return "HalfTensor(" + dtype + ")" + Arrays.toString(shape);
    }
}
