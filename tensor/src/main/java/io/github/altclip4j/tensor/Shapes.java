package io.github.altclip4j.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor types. */
final class Shapes {
    private Shapes() {}

    /** The element count of {@code shape}, refusing negative dimensions and counts beyond one Java array. */
    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds one Java array");
            }
        }
        return (int) n;
    }

    static int rows(int[] shape) {
        int r = 1;
        for (int i = 0; i < shape.length - 1; i++) r *= shape[i];
        return r;
    }

    static int cols(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    static void checkRange(int length, int offset, int size, String what) {
        if (offset < 0 || (long) offset + size > length) {
            throw new IllegalArgumentException(
                    what + ": " + size + " elements at offset " + offset + " do not fit an array of " + length);
        }
    }
}
