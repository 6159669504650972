package io.github.altclip4j.tensor;

import java.util.Arrays;

/**
 * A dense, row-major float32 tensor: a shape over a window of a {@code float[]}. {@link #reshape} and
 * {@link #slice} are views that share the array; nothing is copied unless a method says so.
 *
 * <p>Kernels see a tensor as a matrix of {@link #rows()} x {@link #cols()} (all leading dimensions folded
 * into rows), which is how every activation of a transformer is laid out: {@code [tokens][hidden]}.
 */
public final class FloatTensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private FloatTensor(float[] data, int offset, int[] shape) {
        this.size = Shapes.size(shape);
        Shapes.checkRange(data.length, offset, size, "tensor of shape " + Arrays.toString(shape));
        this.data = data;
        this.offset = offset;
        this.shape = shape.clone();
    }

    public static FloatTensor zeros(int... shape) {
        return new FloatTensor(new float[Shapes.size(shape)], 0, shape);
    }

    /** Wraps {@code data} (not copied) as a tensor of {@code shape}; the sizes must agree. */
    public static FloatTensor wrap(float[] data, int... shape) {
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Shapes.size(shape)
                    + " elements, the array has " + data.length);
        }
        return new FloatTensor(data, 0, shape);
    }

    /** A view of {@code size(shape)} elements of {@code data} starting at {@code offset}. */
    public static FloatTensor view(float[] data, int offset, int... shape) {
        return new FloatTensor(data, offset, shape);
    }

    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return size;
    }

    /** The product of all dimensions but the last. */
    public int rows() {
        return Shapes.rows(shape);
    }

    /** The last dimension (the contiguous one). */
    public int cols() {
        return Shapes.cols(shape);
    }

    /** The same elements seen with another shape of the same size (a view). */
    public FloatTensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new FloatTensor(data, offset, newShape);
    }

    /** Entries {@code [from, to)} of the first dimension (a view). */
    public FloatTensor slice(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of shape " + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        return new FloatTensor(data, offset + from * (size / Math.max(shape[0], 1)), s);
    }

    public float get(int... index) {
        return data[flat(index)];
    }

    public void set(float value, int... index) {
        data[flat(index)] = value;
    }

    private int flat(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "index of rank " + index.length + " for shape " + Arrays.toString(shape));
        }
        int f = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
            }
            f = f * shape[i] + index[i];
        }
        return offset + f;
    }

    /** A fresh array with the elements in row-major order. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public FloatTensor copy() {
        return new FloatTensor(toArray(), 0, shape);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
